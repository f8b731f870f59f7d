"""Sign-in with an e-mail, a phone number or (for staff) a username."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .validators import russian_phone_normalise


def login_lookup(identifier: str) -> dict | None:
    """Return the filter that finds the user a typed login names, or None.

    An identifier with "@" is an e-mail (any case); one that parses as a
    Russian phone number is a phone; anything else is a staff username.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return {"email__iexact": identifier}
    try:
        phone = russian_phone_normalise(identifier)
    except ValidationError:
        return {"username__iexact": identifier}
    # A phone signs in only once its owner confirmed it by SMS.
    return {"phone": phone, "phone_confirmed_at__isnull": False}


def axes_login_key(request, credentials) -> str:
    """Return the login that django-axes counts failures for, in one normal form.

    "8 912 345-67-89" and "+79123456789" are the same login, and so are
    "Anna@Mail.ru" and "anna@mail.ru": writing it differently must not reset
    the count.
    """
    raw = (credentials or {}).get("username") or ""
    lookup = login_lookup(raw)
    if lookup is None:
        return ""
    field, value = next(iter(lookup.items()))
    return f"{field.split('__')[0]}:{str(value).lower()}"


class EmailOrPhoneBackend(ModelBackend):
    """Authenticate by e-mail, phone or username, and the password.

    Takes the same time whether the login exists or not (it hashes the
    password either way), so that the answer reveals nothing. Inactive users
    are returned so that the sign-in form can say why they cannot enter; a
    session of an inactive user is never restored.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        lookup = login_lookup(username)
        if lookup is None or password is None:
            return None
        User = get_user_model()
        try:
            user = User._default_manager.get(**lookup)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same work as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        # Inactive users (blocked, or waiting for their e-mail confirmation)
        # pass the password check; the sign-in form then refuses them with a
        # message that says why. Only the password's owner learns it.
        return True

    def get_user(self, user_id):
        # Every subscriber's page needs the subscriber: load it with the user.
        User = get_user_model()
        try:
            user = User._default_manager.select_related("subscriber").get(pk=user_id)
        except User.DoesNotExist:
            return None
        # A session never outlives the deactivation of its user.
        return user if user.is_active else None
