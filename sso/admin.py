from django.contrib import admin

from .models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Links are made by signing in; a superuser may remove one (the person then links again
    at their next sign-in, by email, if their domain is allowed)."""

    list_display = ["user", "provider", "issuer", "created_at", "last_sign_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__email", "user__full_name", "subject"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_sign_in_at", "email_at_link"]
