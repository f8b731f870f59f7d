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
