from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "program", "filename", "status", "uploaded_by", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["summary", "errors"]
    exclude: list[str] = []
