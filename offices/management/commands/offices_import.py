import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from offices.services import OfficeImportError, offices_import


class Command(BaseCommand):
    help = (
        "Import offices from a CSV or JSON file (the format of offices_export). "
        "Every row is checked; if one is wrong, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file; - for standard input")
        parser.add_argument(
            "--format",
            choices=["csv", "json"],
            help="by default from the file name's extension",
        )

    def handle(self, path, **options):
        file_format = options.get("format") or (
            "json" if path.lower().endswith(".json") else "csv"
        )
        try:
            if path == "-":
                content = sys.stdin.read()
            else:
                content = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
        try:
            counts = offices_import(content, file_format=file_format)
        except OfficeImportError as error:
            for line, message in error.errors:
                self.stderr.write(
                    _("line %(line)d: %(message)s") % {"line": line, "message": message}
                )
            raise CommandError(
                _("Nothing was imported: %(count)d error(s).")
                % {"count": len(error.errors)}
            ) from None
        self.stdout.write(
            _("Offices imported: %(created)d new, %(updated)d updated.") % counts
        )
