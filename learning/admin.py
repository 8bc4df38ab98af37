from django.contrib import admin
from django.db import models

from .models import Certification, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "skill", "kind", "level", "provider"]
    list_filter = ["kind", "level"]
    search_fields = ["title", "provider"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "issuer"]
    search_fields = ["name", "issuer"]
