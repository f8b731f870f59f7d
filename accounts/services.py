"""What happens to subscribers, their users and accounts: sign-up, confirmation,
linking accounts, profile changes and consents.

Views, the admin, tasks and tests call these functions; forms only validate.
"""

import datetime
import hmac
import secrets
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from portal.mail import mail_send
from portal.refcache import reference
from portal.sms import sms_send
from portal.throttle import (
    period_display,
    throttle_count,
    throttle_exceeded,
    throttle_hit,
)

from .models import (
    ClientCategory,
    Consent,
    PersonalAccount,
    PhoneCode,
    ServiceType,
    Subscriber,
    User,
)
from .validators import account_number_normalise, contract_number_normalise


@reference(watch=(ServiceType,))
def service_types_offered() -> dict[int, ServiceType]:
    """The service types a subscriber may choose, by primary key, in order.

    Kept in memory (see portal.refcache): read the objects, never change them.
    """
    return {item.pk: item for item in ServiceType.objects.filter(is_active=True)}


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the link that confirms a sign-up's e-mail.

    The hash covers the confirmation state and the password, so a used link
    stops working, and so does the link of a sign-up that a later sign-up
    with the same address replaced.
    """

    key_salt = "accounts.services.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return (
            f"{user.pk}{user.email}{user.password}{user.is_active}"
            f"{user.email_confirmed_at}{timestamp}"
        )


email_confirmation_token = EmailConfirmationTokenGenerator()


class AccountLinkError(Exception):
    """A personal account cannot be linked; the message is for the subscriber."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, kept with consents."""

    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request):
        from portal.throttle import client_ip

        return cls(
            ip_address=client_ip(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        )


# E-mails ---------------------------------------------------------------------

ACCOUNT_EMAILS = {
    "email_change": "accounts/emails/email_change",
    "email_change_taken": "accounts/emails/email_change_taken",
    "email_changed": "accounts/emails/email_changed",
    "confirm": "accounts/emails/confirm",
    "already_registered": "accounts/emails/already_registered",
    "password_reset": "accounts/emails/password_reset",
}


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def account_email_send(*, user_id: int, kind: str) -> bool:
    """Send one of the account e-mails to the user; return False if it does not apply.

    Links are made at sending time, so a retried task sends a link that works.
    A confirmation for an already confirmed user is not sent.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    if kind == "confirm" and not user.awaits_email_confirmation:
        return False
    context = {"user": user, "name": user.get_short_name()}
    if kind == "confirm":
        path = reverse(
            "accounts:signup_confirm",
            kwargs={
                "uidb64": _uid(user),
                "token": email_confirmation_token.make_token(user),
            },
        )
        context["link"] = settings.PORTAL_BASE_URL + path
    elif kind == "password_reset":
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": _uid(user),
                "token": PasswordResetTokenGenerator().make_token(user),
            },
        )
        context["link"] = settings.PORTAL_BASE_URL + path
    context["login_link"] = settings.PORTAL_BASE_URL + reverse("accounts:login")
    context["reset_link"] = settings.PORTAL_BASE_URL + reverse(
        "accounts:password_reset"
    )
    context["valid_days"] = settings.PASSWORD_RESET_TIMEOUT // 86400
    mail_send(
        template=ACCOUNT_EMAILS[kind],
        context=context,
        to=user.email,
        language=user.language,
    )
    return True


def account_email_queue(*, user: User, kind: str) -> bool:
    """Queue an account e-mail after the commit, unless too many went to this address.

    Return False when the limit stopped it. The limit keeps the portal from
    being used to flood somebody's mailbox.
    """
    from .tasks import account_email_send_task

    limit, period = settings.PORTAL_EMAIL_LINK_LIMIT
    who = user.email.lower()
    if not throttle_hit(scope="account-email", who=who, limit=limit, period=period):
        return False
    account_email_send_task.delay_on_commit(user.pk, kind)
    return True


# Sign-up and confirmation ----------------------------------------------------


def consent_record(
    *,
    user: User | None,
    purpose: str,
    given: bool,
    client: ClientInfo,
    email="",
    phone="",
) -> Consent:
    """Store one consent decision with the current text version."""
    consent = Consent(
        user=user,
        email=email or (user.email if user else ""),
        phone=phone or (user.phone if user else ""),
        purpose=purpose,
        given=given,
        text_version=settings.PORTAL_CONSENT_VERSION,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
    )
    consent.full_clean()
    consent.save()
    return consent


def marketing_consent_given(*, user: User) -> bool:
    latest = (
        Consent.objects.filter(user=user, purpose=Consent.Purpose.MARKETING)
        .order_by("-created_at", "-pk")
        .first()
    )
    return bool(latest and latest.given)


@transaction.atomic
def subscriber_sign_up(
    *,
    category: str,
    full_name: str,
    email: str,
    password: str,
    client: ClientInfo,
    marketing: bool = False,
    language: str = "ru",
    organisation: dict | None = None,
) -> User | None:
    """Register a subscriber and their first user, waiting for e-mail confirmation.

    The user is inactive until the link sent by e-mail is followed. If the
    e-mail belongs to a confirmed user, nothing is created: its owner gets a
    note, and the caller answers exactly as for a new sign-up (the password is
    hashed on every path, so the time taken tells nothing either). A sign-up
    still waiting for its confirmation is replaced by the newer one: only the
    owner of the mailbox can confirm, and earlier links stop working. Return
    the user waiting for confirmation, or None when the address was taken.
    """
    email = email.strip().lower()
    password_hash = make_password(password)
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and not existing.awaits_email_confirmation:
        account_email_queue(user=existing, kind="already_registered")
        return None

    organisation = organisation or {}
    subscriber = existing.subscriber if existing is not None else Subscriber()
    subscriber.category = category
    if category == ClientCategory.LEGAL_ENTITY:
        subscriber.name = organisation["name"]
        subscriber.inn = organisation["inn"]
        subscriber.kpp = organisation.get("kpp", "")
        subscriber.ogrn = organisation.get("ogrn", "")
        subscriber.contact_person = full_name
    else:
        subscriber.name = full_name
        subscriber.inn = subscriber.kpp = subscriber.ogrn = ""
        subscriber.contact_person = ""
    subscriber.full_clean()
    subscriber.save()

    user = existing or User(
        username=f"u{secrets.token_hex(8)}",
        email=email,
        subscriber=subscriber,
        is_active=False,
    )
    user.full_name = full_name
    user.language = language
    user.password = password_hash
    user.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another sign-up with this address won the race: answer as for a taken one.
        transaction.set_rollback(True)
        return None

    consent_record(
        user=user, purpose=Consent.Purpose.PERSONAL_DATA, given=True, client=client
    )
    if marketing:
        consent_record(
            user=user, purpose=Consent.Purpose.MARKETING, given=True, client=client
        )
    account_email_queue(user=user, kind="confirm")
    return user


def user_email_confirm(*, user: User, password_hash: str | None = None) -> bool:
    """Activate a sign-up whose e-mail is confirmed; return False if it already
    was, or if its password is no longer ``password_hash`` (the one the
    confirmation was checked against: a later sign-up replaced it meanwhile)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.awaits_email_confirmation:
            return False
        if password_hash is not None and user.password != password_hash:
            return False
        user.is_active = True
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
    return True


def user_password_reset_done(*, user: User) -> None:
    """After a password reset: the address is proven, and old lockouts end.

    A sign-up that never confirmed its e-mail is confirmed by the reset link;
    failed sign-ins counted against the user's logins are forgotten, so that an
    attacker's guesses cannot keep the owner out.
    """
    from axes.utils import reset as axes_reset

    from .backends import axes_login_key

    user_email_confirm(user=user)
    for login in filter(None, [user.email, str(user.phone or ""), user.username]):
        axes_reset(username=axes_login_key(None, {"username": login}))


def signup_allowed(*, ip_address: str) -> bool:
    """Count a sign-up from the address; say whether it is within the limit."""
    limit, period = settings.PORTAL_SIGNUP_LIMIT
    who = ip_address or "unknown"
    return throttle_hit(scope="signup", who=who, limit=limit, period=period)


# Passwords typed to confirm a sign-up from another browser, per profile.
SIGNUP_CONFIRM_LIMIT = (5, 3600)


def signup_confirm_allowed(*, user: User) -> bool:
    """Count a password typed on a confirmation page; say whether it may be
    checked (the link is secret, but a forwarded letter must not become a
    password oracle)."""
    limit, period = SIGNUP_CONFIRM_LIMIT
    return throttle_hit(
        scope="signup-confirm", who=str(user.pk), limit=limit, period=period
    )


# Personal accounts -----------------------------------------------------------


def _link_limits(*, user: User, number: str, ip_address: str):
    """The counters of wrong contract numbers: per user, per address, per account.

    Many throwaway profiles from many addresses still get only a few guesses
    at one account number a day.
    """
    user_limit, user_period = settings.PORTAL_LINK_ACCOUNT_LIMIT
    number_limit, number_period = settings.PORTAL_LINK_NUMBER_LIMIT
    return [
        ("account-link", str(user.pk), user_limit, user_period),
        ("account-link-ip", ip_address or "unknown", user_limit * 4, user_period),
        ("account-link-number", number, number_limit, number_period),
    ]


def account_link_blocked(
    *, user: User, number: str = "", ip_address: str = ""
) -> int | None:
    """The period in seconds of the longest limit reached, or None."""
    periods = [
        period
        for scope, who, limit, period in _link_limits(
            user=user, number=number, ip_address=ip_address
        )
        if who and throttle_exceeded(scope=scope, who=who, limit=limit, period=period)
    ]
    return max(periods, default=None)


@transaction.atomic
def account_link(
    *, user: User, number: str, contract_number: str, ip_address: str = ""
) -> PersonalAccount:
    """Link a personal account to the user's subscriber, proven by the contract number.

    An account that belongs to an organisation can be linked by another user
    of the same organisation (same INN): that user joins the organisation.
    Every refusal looks the same whether the number exists or not, and failed
    tries are limited per user and address (``PORTAL_LINK_ACCOUNT_LIMIT``) and
    per account number (``PORTAL_LINK_NUMBER_LIMIT``).
    """
    not_found = AccountLinkError(
        _(
            "No personal account matches this number and contract number. "
            "Check both in your contract. If they are right, the account may "
            "already be linked to another profile: please call the hotline."
        ),
        code="not_found",
    )
    try:
        number = account_number_normalise(number)
    except ValidationError:
        number = ""
    blocked = account_link_blocked(user=user, number=number, ip_address=ip_address)
    if blocked is not None:
        raise AccountLinkError(
            _(
                "Too many unsuccessful attempts. Try again in %(period)s or call "
                "the hotline."
            )
            % {"period": period_display(blocked)},
            code="throttled",
        )
    if not number:
        raise not_found

    account = PersonalAccount.objects.select_for_update().filter(number=number).first()
    # Compare in constant time; a missing account costs the same comparison.
    expected = contract_number_normalise(account.contract_number if account else "")
    matches = hmac.compare_digest(
        expected.encode(), contract_number_normalise(contract_number).encode()
    )
    if account is None or not matches or not expected:
        _link_failed(user=user, number=number, ip_address=ip_address)
        raise not_found

    mine = user.subscriber
    if account.subscriber_id == mine.pk:
        raise AccountLinkError(
            _("This personal account is already in your profile."),
            code="already_yours",
        )
    if account.subscriber_id is None:
        account.subscriber = mine
        account.linked_at = timezone.now()
        account.save(update_fields=["subscriber", "linked_at"])
        return account
    owner = account.subscriber
    if _may_join(user=user, organisation=owner):
        user.subscriber = owner
        user.save(update_fields=["subscriber"])
        _subscriber_merge(former=mine, into=owner)
        return account
    _link_failed(user=user, number=number, ip_address=ip_address)
    raise not_found


def _subscriber_merge(*, former: Subscriber, into: Subscriber) -> None:
    """Hand everything that points to ``former`` (tickets, …) to ``into``; delete it.

    Other apps' rows point to subscribers too; they move without this app
    having to know them.
    """
    for relation in Subscriber._meta.related_objects:
        if relation.many_to_many or relation.one_to_one:
            continue
        relation.related_model._base_manager.filter(
            **{relation.field.name: former}
        ).update(**{relation.field.name: into})
    former.delete()


def _link_failed(*, user, number, ip_address):
    for scope, who, _limit, period in _link_limits(
        user=user, number=number, ip_address=ip_address
    ):
        throttle_count(scope=scope, who=who, period=period)


def _may_join(*, user: User, organisation: Subscriber) -> bool:
    """Say whether the user may move into the organisation that owns an account.

    Only a user of a legal entity with the same INN, whose own profile holds
    nothing yet (no accounts, no other users), may: the contract number they
    typed proves they act for the organisation.
    """
    mine = user.subscriber
    return (
        organisation.is_legal_entity
        and mine.is_legal_entity
        and mine.inn == organisation.inn
        and not mine.accounts.exists()
        and not mine.users.exclude(pk=user.pk).exists()
    )


# Changing the sign-in e-mail --------------------------------------------------------

EMAIL_CHANGE_SALT = "accounts.email-change"


def email_change_request(*, user: User, new_email: str) -> bool:
    """Send a confirmation link to the new address; False when the limit stopped it.

    The address changes only when its owner follows the link. If another
    profile already uses it, that address gets a note instead, and the caller
    answers the same way: the form tells nobody which addresses are taken.
    """
    from .tasks import email_change_send_task

    new_email = new_email.strip().lower()
    limit, period = settings.PORTAL_EMAIL_LINK_LIMIT
    if not throttle_hit(
        scope="account-email", who=new_email, limit=limit, period=period
    ):
        return False
    taken = User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
    email_change_send_task.delay_on_commit(user.pk, new_email, taken)
    return True


def email_change_send(*, user_id: int, new_email: str, taken: bool) -> None:
    user = User.objects.get(pk=user_id)
    context = {"user": user, "new_email": new_email}
    if not taken:
        token = signing.dumps(
            {"user": user.pk, "email": new_email, "old": user.email},
            salt=EMAIL_CHANGE_SALT,
        )
        context["link"] = settings.PORTAL_BASE_URL + reverse(
            "accounts:email_change_confirm", kwargs={"token": token}
        )
        context["valid_days"] = settings.PASSWORD_RESET_TIMEOUT // 86400
    mail_send(
        template=ACCOUNT_EMAILS["email_change_taken" if taken else "email_change"],
        context=context,
        to=new_email,
        language=user.language,
    )


def email_change_confirm(*, user: User, token: str) -> User:
    """Apply a change of e-mail from its link; raise ValidationError if it cannot.

    Only the user who asked for the change, signed in, can apply it.
    """
    expired = ValidationError(
        _("The link has expired or was already used."), code="link_invalid"
    )
    try:
        data = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT
        )
    except signing.BadSignature:
        raise expired from None
    if data["user"] != user.pk:
        raise expired
    from .tasks import email_changed_notice_task

    taken = ValidationError(
        _("This address is already used by another profile."), code="email_taken"
    )
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(pk=data["user"]).first()
            # A link works once: after the change the "old" address no longer
            # matches.
            if user is None or user.email != data["old"]:
                raise expired
            if (
                User.objects.filter(email__iexact=data["email"])
                .exclude(pk=user.pk)
                .exists()
            ):
                raise taken
            user.email = data["email"]
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email", "email_confirmed_at"])
            # The old address hears of it: a stolen session must not move the
            # account away silently.
            email_changed_notice_task.delay_on_commit(user.pk, data["old"])
    except IntegrityError:  # another profile took the address a moment ago
        raise taken from None
    return user


def email_changed_notice(*, user_id: int, old_email: str) -> None:
    """Tell the old address that the sign-in e-mail changed, and to where."""
    user = User.objects.get(pk=user_id)
    name, _at, domain = user.email.partition("@")
    mail_send(
        template=ACCOUNT_EMAILS["email_changed"],
        context={
            "new_email": f"{name[:1]}***@{domain}",
            "hotline": phonenumbers.format_number(
                phonenumbers.parse(
                    settings.PORTAL_HOTLINE_BUSINESS
                    if user.subscriber is not None and user.subscriber.is_legal_entity
                    else settings.PORTAL_HOTLINE_INDIVIDUALS,
                    "RU",
                ),
                phonenumbers.PhoneNumberFormat.NATIONAL,
            ),
        },
        to=old_email,
        language=user.language,
    )


# Phone confirmation ----------------------------------------------------------

PHONE_CODE_TTL = datetime.timedelta(minutes=15)
PHONE_CODE_ATTEMPTS = 5


def _phone_code_hash(code_id: int, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"phone:{code_id}:{code}".encode(), "sha256"
    ).hexdigest()


def phone_code_queue(*, user: User) -> bool:
    """Queue an SMS code to the user's unconfirmed phone; False when limited."""
    from .tasks import phone_code_send_task

    limit, period = settings.PORTAL_PHONE_CODE_LIMIT
    if not user.phone or not throttle_hit(
        scope="phone-code", who=str(user.pk), limit=limit, period=period
    ):
        return False
    code = PhoneCode.objects.create(user=user, phone=user.phone)
    phone_code_send_task.delay_on_commit(code.pk)
    return True


def phone_code_send(*, code_id: int) -> bool:
    """Make the code, keep its hash, send it by SMS; False if no longer needed."""
    code = PhoneCode.objects.select_related("user").filter(pk=code_id).first()
    if code is None or code.used_at or code.code_hash:
        return False
    plain = f"{secrets.randbelow(10**6):06d}"
    code.code_hash = _phone_code_hash(code.pk, plain)
    code.save(update_fields=["code_hash"])
    with translation.override(code.user.language):
        text = _("Code to confirm your phone in the personal account: %(code)s") % {
            "code": plain
        }
    sms_send(phone=str(code.phone), text=str(text))
    return True


PHONE_CODE_ERRORS = {
    "code_expired": _("The code has expired. Ask for a new one."),
    "code_wrong": _("The code is wrong. Check it in the SMS."),
    "phone_taken": _(
        "This phone number is already confirmed in another profile. "
        "If it is yours, please call the hotline."
    ),
}


def phone_confirm(*, user: User, code: str) -> None:
    """Confirm the user's phone with the code from the SMS.

    The latest code works once, for 15 minutes, and five wrong tries spoil it.
    Raise ``ValidationError`` with a message for the user otherwise (after
    the transaction, so that a wrong try stays counted).
    """
    try:
        with transaction.atomic():
            error = _phone_confirm(user=user, code=code)
    except IntegrityError:  # another profile confirmed it a moment ago
        error = "phone_taken"
    if error:
        raise ValidationError(PHONE_CODE_ERRORS[error], code=error)


def _phone_confirm(*, user: User, code: str) -> str | None:
    user = User.objects.select_for_update().get(pk=user.pk)
    latest = (
        PhoneCode.objects.select_for_update()
        .filter(user=user, phone=user.phone, used_at=None)
        .exclude(code_hash="")
        .order_by("-created_at", "-pk")
        .first()
    )
    fresh = latest is not None and (
        latest.created_at >= timezone.now() - PHONE_CODE_TTL
        and latest.attempts < PHONE_CODE_ATTEMPTS
    )
    if not fresh:
        return "code_expired"
    if not hmac.compare_digest(
        latest.code_hash, _phone_code_hash(latest.pk, code.strip())
    ):
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
        return "code_wrong"
    if (
        User.objects.filter(phone=user.phone, phone_confirmed_at__isnull=False)
        .exclude(pk=user.pk)
        .exists()
    ):
        return "phone_taken"
    latest.used_at = timezone.now()
    latest.save(update_fields=["used_at"])
    user.phone_confirmed_at = timezone.now()
    user.save(update_fields=["phone_confirmed_at"])
    return None


# Profile ---------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    user: User,
    client: ClientInfo,
    full_name: str,
    phone,
    reply_channel: str,
    language: str,
    marketing: bool,
    organisation: dict | None = None,
) -> tuple[User, bool | None]:
    """Save the profile of a subscriber's user and, for organisations, its details.

    A new phone number is kept but not confirmed: an SMS code is sent after
    the commit (unless the codes' limit stopped it: the second value says
    whether one is on its way), and only a confirmed phone signs in or counts
    as taken; whether another profile has the number is told only to whoever
    types the code that reached it. A
    change of the marketing consent is recorded as a consent decision. For an
    individual the subscriber's name follows the person's name.
    """
    new_phone = str(phone or "")
    phone_changed = new_phone != str(user.phone or "")
    user.full_name = full_name
    user.phone = new_phone
    if phone_changed:
        user.phone_confirmed_at = None
    user.reply_channel = reply_channel
    user.language = language
    user.full_clean()
    user.save(
        update_fields=[
            "full_name",
            "phone",
            "phone_confirmed_at",
            "reply_channel",
            "language",
        ]
    )
    # None: no code was needed; False: the limit stopped it.
    code_sent = phone_code_queue(user=user) if phone_changed and new_phone else None
    subscriber = user.subscriber
    if subscriber.is_legal_entity and organisation:
        for field, value in organisation.items():
            setattr(subscriber, field, value)
        subscriber.full_clean()
        subscriber.save()
    elif not subscriber.is_legal_entity and subscriber.name != full_name:
        subscriber.name = full_name
        subscriber.full_clean()
        subscriber.save(update_fields=["name"])
    if marketing != marketing_consent_given(user=user):
        consent_record(
            user=user, purpose=Consent.Purpose.MARKETING, given=marketing, client=client
        )
    return user, code_sent
