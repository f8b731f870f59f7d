"""Reference data that managers edit in the admin, in Russian and English."""

from django.utils import translation


class TranslatedNameMixin:
    """A model with ``name`` (Russian) and an optional ``name_en``.

    ``display_name`` is the name in the active language; English falls back to
    Russian when nobody typed an English name.
    """

    @property
    def display_name(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name
