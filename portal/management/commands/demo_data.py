from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.demo import (
    SUBSCRIBER_PASSWORD,
    SUBSCRIBERS,
    UNLINKED_ACCOUNTS,
    demo_subscribers_load,
)
from faq.demo import demo_faq_load
from offices.demo import demo_offices_load
from portal.demo import DEMO_LOGINS, demo_people_load
from tickets.demo import demo_history_load, demo_queues_load, demo_tickets_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo passwords are public; they must never reach production.
            raise CommandError(
                _("Demo data is loaded only with DJANGO_DEBUG=1 (make run sets it).")
            )
        created = len(demo_people_load()) + demo_subscribers_load()
        demo_queues_load()
        demo_tickets_load()
        demo_history_load()
        demo_faq_load()
        demo_offices_load()
        self.stdout.write(
            _("Demo data loaded: %(count)d new users.") % {"count": created}
        )
        self.stdout.write("")
        self.stdout.write(
            _("Subscribers sign in at /account/login/ with an e-mail or phone:")
        )
        for subscriber in SUBSCRIBERS[:1] + SUBSCRIBERS[-1:]:
            _name, email, _phone = subscriber.users[0]
            self.stdout.write(
                f"  {email:<34} {SUBSCRIBER_PASSWORD}  ({subscriber.name})"
            )
        self.stdout.write(
            _("  (all %(count)d demo subscriber users have this password)")
            % {"count": sum(len(s.users) for s in SUBSCRIBERS)}
        )
        self.stdout.write(_("Accounts to link after a sign-up (number, contract):"))
        for account in UNLINKED_ACCOUNTS:
            self.stdout.write(
                f"  {account.number}  {account.contract}  ({account.city})"
            )
        self.stdout.write("")
        self.stdout.write(_("Staff sign in to the support desk at /admin/:"))
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.role!s:<22} {login.username:<12} {login.password}"
            )
