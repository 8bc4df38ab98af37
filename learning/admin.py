from django.contrib import admin

from .models import Certification, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "skill", "kind", "level", "provider"]
    list_filter = ["kind", "level"]
    search_fields = ["title", "provider"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer"]
    search_fields = ["name", "issuer"]
