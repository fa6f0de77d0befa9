from django.core.management.base import BaseCommand

from courtvcs.orgs.reference import load_reference


class Command(BaseCommand):
    help = "Load (or refresh) regions, districts, courts, institutions and endpoints."

    def handle(self, *args, **options):
        counts = load_reference()
        self.stdout.write("reference data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
