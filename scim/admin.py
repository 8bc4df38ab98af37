from django.contrib import admin, messages

from .models import ScimGroup, ScimToken, ScimUser
from .services import token_revoke


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    """Tokens are made by `manage.py create_scim_token` (printed once); here: seen and revoked."""

    list_display = ["name", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "created_by", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, never deleted: the audit log refers to them

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        if not request.user.is_superuser:
            self.message_user(request, "Only a superuser can revoke SCIM tokens.", messages.ERROR)
            return
        revoked = sum(token_revoke(token=t, by=request.user) for t in queryset)
        self.message_user(request, f"Revoked {revoked} token(s).")


@admin.register(ScimUser)
class ScimUserAdmin(admin.ModelAdmin):
    list_display = ["user_name", "user", "external_id", "removed_at", "updated_at"]
    search_fields = ["user_name", "external_id"]
    readonly_fields = [
        "user",
        "user_name",
        "external_id",
        "attributes",
        "removed_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ScimGroup)
class ScimGroupAdmin(admin.ModelAdmin):
    list_display = ["department", "external_id", "updated_at"]
    readonly_fields = ["department", "external_id", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False
