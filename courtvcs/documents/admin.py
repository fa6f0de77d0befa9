from django.contrib import admin

from courtvcs.audit.admin import ReadOnlyAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """The case files, read-only: documents are made on the case file page and never edited."""

    list_display = ["hearing", "kind", "source_id", "language", "version", "is_draft", "frozen", "created_at",
                    "pdf_sha256"]
    list_filter = ["kind", "language", "frozen", "is_draft"]
    search_fields = ["hearing__case_number", "pdf_sha256", "docx_sha256"]
    exclude = ["pdf", "docx"]
    list_select_related = ["hearing"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "docx")
