"""Superusers see who has an authenticator app, and can reset someone's two-factor sign-in.

django-otp's own admins are replaced: they show the secret keys, a QR code of them and the
recovery codes. Here nothing secret is shown or searchable, and the only action is the audited
reset, confirmed on a page of its own.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import NotRegistered
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.models import User

from .services import two_factor_reset

for model in (TOTPDevice, StaticDevice):
    try:
        admin.site.unregister(model)
    except NotRegistered:
        pass

SHOWN = ["user", "name", "confirmed", "created_at", "last_used_at"]


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = SHOWN
    list_filter = ["confirmed"]
    search_fields = ["user__email", "user__full_name"]
    fields = SHOWN
    readonly_fields = SHOWN
    actions = ["reset_two_factor"]

    def lookup_allowed(self, lookup, value, request) -> bool:
        if not lookup.startswith("user__") and lookup.split("__")[0] not in {"confirmed", "name"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _superuser(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return super().get_actions(request) if self._superuser(request) else {}

    @admin.action(description="Reset two-factor sign-in of the selected people")
    def reset_two_factor(self, request, queryset):
        people = list(User.objects.filter(pk__in=queryset.values("user_id")).order_by("email"))
        if request.POST.get("post") == "yes":
            for person in people:
                two_factor_reset(person=person, by=request.user, via="admin")
            self.message_user(
                request,
                f"Two-factor sign-in reset for {len(people)} "
                f"{'person' if len(people) == 1 else 'people'}.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reset two-factor sign-in?",
            "people": people,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/twofactor/reset_confirm.html", context)
