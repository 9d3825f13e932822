"""``manage.py import_postcode_wards NSPL.csv``: load Birmingham's postcodes and their wards.

Reads the ONS National Statistics Postcode Lookup CSV (or the ONSPD) line by
line and keeps the postcodes whose ward is one of ours; see docs/postcodes.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commissioning.postcodes import LookupFormatError, import_nspl


class Command(BaseCommand):
    help = "Load the postcodes of Birmingham's wards from the ONS postcode lookup (NSPL) CSV."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the NSPL or ONSPD CSV file")
        parser.add_argument(
            "--ward-column",
            help="the column of ward GSS codes, if not wd25cd, wd24cd, ward or osward",
        )

    def handle(self, *args, path, ward_column=None, **options):
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        # NSPL is UTF-8; "utf-8-sig" also reads a copy saved by a spreadsheet.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            try:
                counts = import_nspl(handle, ward_column=ward_column)
            except LookupFormatError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"Read {counts['read']:,} postcodes: kept {counts['kept']:,} in "
            f"{counts['wards']} of our wards, skipped {counts['skipped']:,} outside them."
        )
