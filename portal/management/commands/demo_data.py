from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.demo import DEMO_LOGINS, demo_people_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo passwords are public; they must never reach production.
            raise CommandError(
                _("Demo data is loaded only with DJANGO_DEBUG=1 (make run sets it).")
            )
        created = demo_people_load()
        self.stdout.write(
            _("Demo data loaded: %(count)d new users.") % {"count": len(created)}
        )
        self.stdout.write("")
        self.stdout.write(_("Demo logins (subscribers sign in at /account/login/):"))
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.role!s:<22} {login.username:<12} {login.password}"
            )
        self.stdout.write(_("Staff sign in to the support desk at /admin/."))
