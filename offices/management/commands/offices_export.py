from django.core.management.base import BaseCommand

from offices.services import offices_export


class Command(BaseCommand):
    help = "Write every office as CSV or JSON, in the format offices_import reads."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, **options):
        self.stdout.write(offices_export(options["format"]), ending="")
