"""Write the default DOCX templates (courtvcs/documents/docx/) from docx_templates.py."""

from pathlib import Path

from django.core.management.base import BaseCommand

from courtvcs.documents.docx_templates import build_all
from courtvcs.documents.rendering import DOCX_DIR


class Command(BaseCommand):
    help = "Build the default DOCX templates of the documents (commit the files it writes)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(DOCX_DIR),
                            help="directory to write to (default: the app's docx/ directory)")

    def handle(self, *args, **options):
        for path in build_all(Path(options["out"])):
            self.stdout.write(str(path))
