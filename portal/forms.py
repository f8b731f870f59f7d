"""What every form of the portal shares."""

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
