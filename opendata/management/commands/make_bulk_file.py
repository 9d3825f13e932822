from django.core.management.base import BaseCommand

from opendata import bulk


class Command(BaseCommand):
    help = (
        "Make the bulk download of every OCDS release now (the nightly task does the same). "
        "Does nothing while another build is running."
    )

    def handle(self, *args, **options):
        made = bulk.make_bulk_file()
        if made is None:
            self.stdout.write("Another build is running; nothing done.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"{made.name}: {made.releases} releases, {made.size} bytes.")
        )
