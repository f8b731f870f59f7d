"""What may be attached to a ticket: the type is read from the content, not the name."""

import codecs
import os
import re
import unicodedata

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Detected type -> (content type served back, extension of the stored name).
ALLOWED_BINARY = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "rtf": "application/rtf",
}
TEXT_EXTENSIONS = {"txt", "log", "csv"}
# Markup that a browser would run if the file were ever shown inline.
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|body|head|\?xml)", re.I)
_SNIFF_BYTES = 8192
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class InspectedFile:
    """An upload that passed the checks, with its safe name and real type."""

    def __init__(self, upload, name, content_type):
        self.upload = upload
        self.name = name
        self.content_type = content_type
        self.size = upload.size


def safe_name(name: str) -> str:
    """Return a file name fit to show and to offer for download.

    Path parts, control characters and leading dots are dropped; letters of any
    alphabet stay, so Russian names remain readable.
    """
    name = os.path.basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"/|?*]+', "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:100] or "file"
    return f"{stem}.{ext[:10]}" if ext else stem


def _text_charset(head: bytes) -> str | None:
    """Return the charset of a plain text sample (UTF-8, UTF-16 with its byte
    order mark, or Windows-1251), or None."""
    for bom, codec in _UTF16_BOMS:
        if head.startswith(bom):
            # Incremental: a character may be cut at the end of the sample.
            decoder = codecs.getincrementaldecoder(codec)()
            try:
                text = decoder.decode(head[len(bom) :], final=False)
            except UnicodeDecodeError:
                return None
            if "\x00" in text or _MARKUP.search(text.encode("utf-8", "replace")):
                return None
            return "utf-16"
    if b"\x00" in head or _MARKUP.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte letter may be cut at the end of the sample.
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1251")
            except UnicodeDecodeError:
                return None
            return "windows-1251"
    return "utf-8"


def attachment_inspect(upload) -> InspectedFile:
    """Check one uploaded file; return it with its safe name and detected type.

    The type comes from the bytes: an HTML page named ``.pdf`` is refused.
    Raise ``ValidationError`` naming the file otherwise.
    """
    name = safe_name(upload.name)
    if upload.size > settings.PORTAL_ATTACHMENT_MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s."),
            code="file_too_large",
            params={
                "name": name,
                "limit": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_SIZE),
            },
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if kind is not None and kind.extension in ALLOWED_BINARY:
        content_type = ALLOWED_BINARY[kind.extension]
        if extension != kind.extension and not (
            kind.extension == "jpg" and extension == "jpeg"
        ):
            name = f"{name}.{kind.extension}"
        return InspectedFile(upload, name, content_type)
    charset = _text_charset(head) if kind is None else None
    if charset and extension in TEXT_EXTENSIONS | {""}:
        if extension not in TEXT_EXTENSIONS:
            name = f"{name}.txt"
        return InspectedFile(upload, name, f"text/plain; charset={charset}")
    raise ValidationError(
        _(
            "“%(name)s” cannot be attached: only photos and screenshots, PDF, "
            "office documents and plain text or log files are accepted."
        ),
        code="file_type",
        params={"name": name},
    )


def attachments_inspect(uploads) -> list[InspectedFile]:
    """Check a set of uploads: each file, their number and their total size."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > settings.PORTAL_ATTACHMENT_MAX_FILES:
        raise ValidationError(
            ngettext_lazy(
                "Attach at most %(limit)d file.",
                "Attach at most %(limit)d files.",
                "limit",
            ),
            code="too_many_files",
            params={"limit": settings.PORTAL_ATTACHMENT_MAX_FILES},
        )
    errors, inspected = [], []
    for upload in uploads:
        try:
            inspected.append(attachment_inspect(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    total = sum(item.size for item in inspected)
    if total > settings.PORTAL_ATTACHMENT_MAX_TOTAL:
        raise ValidationError(
            _("The files together are larger than %(limit)s."),
            code="files_too_large",
            params={"limit": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_TOTAL)},
        )
    return inspected
