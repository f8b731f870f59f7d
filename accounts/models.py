from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a subscriber, a support agent, a manager or an admin.

    The custom model exists from the first migration so that subscriber fields
    (sign-in by e-mail or phone, profile) can be added without a painful swap.
    """

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
