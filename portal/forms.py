"""What every form of the portal shares."""

import re

from captcha.fields import CaptchaField
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class PortalFormMixin:
    """Say "optional" in words after the label of every field that is not required.

    Required fields carry no mark: most fields are required, and the public
    service forms this portal follows mark the exceptions. A field required
    only in some cases (``field.required_when`` set) is not called optional.
    Subclasses adjust their fields in ``setup_fields``, before the marking.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()
        for field in self.fields.values():
            if (
                not field.required
                and field.label
                and not getattr(field, "required_when", None)
            ):
                field.label = format_lazy("{} ({})", field.label, _("optional"))

    def setup_fields(self):
        """Adjust the fields of this instance; called before labels are marked."""


class PortalCaptchaField(CaptchaField):
    """The picture captcha with the portal's wording and a real label.

    Django renders a multi-part widget in a fieldset whose legend labels no
    input; the captcha has one input to type into, so it gets a plain label.
    The "New picture" button (templates/captcha/widgets/captcha.html) swaps
    the picture without reloading the form.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Characters from the picture"))
        kwargs.setdefault(
            "help_text",
            _("Type the characters you see. Letter case does not matter."),
        )
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("The characters do not match. Try the new picture.")},
        )
        super().__init__(**kwargs)
        self.widget.use_fieldset = False


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")


class TextField(forms.CharField):
    """Text a person typed or pasted: invisible control characters are dropped.

    Pasting from a terminal or a messenger brings ESC sequences, zero-width
    spaces and the like; nobody meant them, and they break e-mails and SMS.
    A NUL byte is refused with a message by Django's own check.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            value = _CONTROL.sub("", value.replace("\r\n", "\n"))
        return value


class ReferenceChoiceField(forms.ChoiceField):
    """A choice among reference rows kept in memory: a query-free ModelChoiceField.

    ``rows`` returns the rows by primary key, in order (see portal.refcache);
    ``label`` gives a row's label in the active language. The cleaned value
    is the row. A choice that is no longer offered gets Django's message.
    """

    def __init__(self, *, rows, label_from_row=str, empty_label="---------", **kwargs):
        self.rows = rows
        self.label_from_row = label_from_row
        self.empty_label = empty_label
        super().__init__(choices=self._choices_offered, **kwargs)

    def _choices_offered(self):
        return [
            ("", self.empty_label),
            *((pk, self.label_from_row(row)) for pk, row in self.rows().items()),
        ]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            row = self.rows().get(int(str(value)))
        except ValueError:
            row = None
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        return value.pk if hasattr(value, "pk") else value

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")
