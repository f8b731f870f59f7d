"""Numbers typed into addresses and forms: ids, pages, limits."""


def ascii_int(value, *, digits: int = 9) -> int | None:
    """The number in ``value`` if it is written in at most ``digits`` ASCII
    digits; anything else (empty, "²", "١", "-1", "1e3", a huge number) is None.

    ``str.isdigit`` alone accepts characters ``int`` refuses.
    """
    value = str(value or "")
    if value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return None
