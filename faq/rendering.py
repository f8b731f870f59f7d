"""Markdown answers to safe HTML (nh3) and to plain text for search."""

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre",
    "blockquote", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def answer_render(source: str) -> tuple[str, str]:
    """Markdown → (sanitised HTML, plain text).

    Scripts and styles with their content, event handlers, every tag and
    attribute outside the lists above, and links other than http(s), mailto
    and tel are removed by nh3; links get ``rel="noopener noreferrer
    nofollow"``.
    """
    rendered = markdown.markdown(source or "", extensions=["sane_lists", "tables"])
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    text = html.unescape(nh3.clean(clean, tags=set()))
    return clean, re.sub(r"\s+", " ", text).strip()
