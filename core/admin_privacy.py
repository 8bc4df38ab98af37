"""What the Django admin never shows: text the docs (docs/security.md) keep between the two
participants of a mentorship, or between one person and HR.

`PRIVATE_TEXT` is the one list of those fields. The project's admin site (`TandemAdminSite`, made
the default site by `mentorship_site.apps.TandemAdminConfig`) wraps every ModelAdmin it registers,
and every inline of it, in `PrivateTextAdminMixin`, which, for staff and superusers alike:

- leaves the fields out of forms, fieldsets, read-only fields, list columns, list filters,
  search, ordering and prepopulated fields, and never loads them (they are deferred);
- refuses every URL lookup whose path reaches one of them, directly or through relations
  (`?private_notes__icontains=…`, `?mentorship__checkins__private_notes__startswith=…`):
  Django answers 400 (`DisallowedModelAdminLookup`);
- refuses adding rows of a model whose private field is required, since the admin can't fill it.

Models whose `__str__` would print private text print a neutral label instead (“Goal 12”), because
`str()` reaches delete confirmations, history, related-object widgets and the admin log.

System checks (`tandem.A001`–`A003`) fail when an admin is registered without the mixin, when an
admin's configuration names a private field, or when this list names a field that doesn't exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP

# Model label -> fields the admin never shows or queries. Decided from the “Who sees what”
# tables of docs/: free text written by or about people whose audience the docs restrict.
PRIVATE_TEXT: dict[str, frozenset[str]] = {
    # Between the two participants (mentorship page, check-in timeline). The shared summary is
    # also read by the program's HR coordinators, still not by anyone else.
    "checkins.CheckIn": frozenset({"private_notes", "next_steps", "shared_summary"}),
    "checkins.ActionItem": frozenset({"text"}),
    # HR coordinators of the program see goal titles and progress; nobody else sees any of it.
    "mentorships.Goal": frozenset({"title", "description", "success_measure"}),
    "mentorships.Milestone": frozenset({"title", "evidence"}),
    "mentorships.Agreement": frozenset(
        {"meeting_frequency", "channel", "confidentiality", "mentor_owns", "mentee_owns"}
    ),
    # Between one person and the program's HR coordinators.
    "mentorships.ResetRequest": frozenset({"reason", "resolution"}),
    "mentorships.Mentorship": frozenset({"end_note"}),
    "mentorships.MentorshipEvent": frozenset({"reason"}),
    "checkins.Recognition": frozenset({"message"}),
    "programs.Enrolment": frozenset({"career_goal", "decision_reason", "avoid"}),
    # The enrolment CSV as uploaded: it holds career goals.
    "imports.ImportBatch": frozenset({"content"}),
    # Individual answers: HR sees comments only in groups of 3 or more, without names.
    "feedback.SurveyAnswer": frozenset({"text"}),
    # HR records about a person.
    "metrics.OutcomeEvent": frozenset({"note"}),
    # Ask an expert: what the person asking wrote to the expert, for the two of them.
    "experts.FlashSession": frozenset({"note"}),
    # Careers: what a mentee shows for a checklist item or milestone, for the pair.
    "careers.Evidence": frozenset({"note", "link"}),
    "selfmatch.MatchRequest": frozenset({"note"}),
    # Subjects of reminder emails carry milestone titles.
    "reminders.EmailLog": frozenset({"subject"}),
    # Queued emails: bodies quote goals and notes, and a password-reset body holds the link.
    "outbox.OutgoingEmail": frozenset({"subject", "body", "attachment"}),
    # Slack messages and Teams cards name people and pairs; a Teams webhook URL is a secret.
    "chat.ChatMessage": frozenset({"title", "text", "link"}),
    "chat.TeamsChannel": frozenset({"webhook_url"}),
}

# Admin options that name fields, checked by tandem.A002.
FIELD_OPTIONS = (
    "fields",
    "fieldsets",
    "readonly_fields",
    "list_display",
    "list_display_links",
    "list_editable",
    "list_filter",
    "search_fields",
    "ordering",
    "sortable_by",
    "date_hierarchy",
    "prepopulated_fields",
    "filter_horizontal",
    "filter_vertical",
    "raw_id_fields",
    "autocomplete_fields",
    "radio_fields",
)


def private_fields(model: type[Model]) -> frozenset[str]:
    return PRIVATE_TEXT.get(model._meta.concrete_model._meta.label, frozenset())


def reaches_private(model: type[Model], path: str) -> bool:
    """Whether a lookup path (`mentorship__checkins__private_notes__icontains`) touches a
    private field of any model on the way."""
    for part in path.split(LOOKUP_SEP):
        if part == "pk":
            part = model._meta.pk.name
        if part in private_fields(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup (icontains, year, ...): nothing further to reach
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def _names(item: Any) -> list[str]:
    """Field paths named by one entry of an admin option (strings, tuples, filter tuples)."""
    if isinstance(item, str):
        return [item.lstrip("-?^=@")]
    if isinstance(item, list | tuple):
        return [name for sub in item for name in _names(sub)]
    name = getattr(item, "name", None)  # F("field") or OrderBy(F("field"))
    expression = getattr(item, "expression", None)
    if name is None and expression is not None:
        name = getattr(expression, "name", None)
    return [name] if isinstance(name, str) else []


def _order_field(model_admin: Any, item: Any) -> str | None:
    attr = (
        item
        if callable(item)
        else (getattr(model_admin, item, None) or getattr(model_admin.model, item, None))
    )
    order = getattr(attr, "admin_order_field", None)
    return order if isinstance(order, str) else None


class PrivateTextMixin:
    """Shared by model admins and inlines: keeps PRIVATE_TEXT out of forms and never loads it."""

    model: type[Model]

    def _is_private(self, item: Any) -> bool:
        return any(reaches_private(self.model, name) for name in _names(item))

    def _keep(self, items: Iterable[Any]) -> list[Any]:
        return [item for item in items if not self._is_private(item)]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded + sorted(private_fields(self.model) - set(excluded))

    def get_fields(self, request, obj=None):
        return self._keep(super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields: list[Any] = []
            for item in options.get("fields", ()):
                if isinstance(item, list | tuple):  # several fields on one line
                    kept = self._keep(item)
                    if kept:
                        fields.append(tuple(kept))
                elif not self._is_private(item):
                    fields.append(item)
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self._keep(super().get_readonly_fields(request, obj))

    def get_prepopulated_fields(self, request, obj=None):
        return {
            field: sources
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if not self._is_private(field) and not self._is_private(sources)
        }

    def get_queryset(self, request):
        deferred = [
            f.name for f in self.model._meta.concrete_fields if f.name in private_fields(self.model)
        ]
        queryset = super().get_queryset(request)
        return queryset.defer(*deferred) if deferred else queryset

    def _required_private(self) -> bool:
        return any(
            not field.blank and not field.has_default()
            for field in self.model._meta.concrete_fields
            if field.name in private_fields(self.model)
        )


class PrivateTextInlineMixin(PrivateTextMixin):
    def has_add_permission(self, request, obj) -> bool:
        return not self._required_private() and super().has_add_permission(request, obj)


class PrivateTextAdminMixin(PrivateTextMixin):
    """Every registered ModelAdmin gets this (see TandemAdminSite.register)."""

    def has_add_permission(self, request) -> bool:
        return not self._required_private() and super().has_add_permission(request)

    def get_list_display(self, request):
        columns = [
            item
            for item in super().get_list_display(request)
            if not self._is_private(item)
            and not reaches_private(self.model, _order_field(self, item) or "")
        ]
        return columns or ["__str__"]

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return None if links is None else self._keep(links)

    def get_list_filter(self, request):
        return self._keep(super().get_list_filter(request))

    def get_search_fields(self, request):
        return self._keep(super().get_search_fields(request))

    def get_ordering(self, request):
        return self._keep(super().get_ordering(request) or [])

    def get_sortable_by(self, request):
        return self._keep(super().get_sortable_by(request))

    def lookup_allowed(self, lookup, value, request) -> bool:
        if reaches_private(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def to_field_allowed(self, request, to_field) -> bool:
        if to_field in private_fields(self.model):
            return False
        return super().to_field_allowed(request, to_field)

    def get_inlines(self, request, obj):
        return [private_text_inline(inline) for inline in super().get_inlines(request, obj)]


_wrapped: dict[type, type] = {}


def _wrap(cls: type, mixin: type) -> type:
    if issubclass(cls, mixin):
        return cls
    if cls not in _wrapped:
        _wrapped[cls] = type(
            cls.__name__,
            (mixin, cls),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
    return _wrapped[cls]


def private_text_admin(cls: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    return _wrap(cls, PrivateTextAdminMixin)


def private_text_inline(cls: type[admin.options.InlineModelAdmin]) -> type:
    return _wrap(cls, PrivateTextInlineMixin)


class TandemAdminSite(admin.AdminSite):
    """The default admin site: whatever registers here is kept away from private text."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = private_text_admin(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)


def _option_values(admin_class: type, option: str) -> list[Any]:
    value = getattr(admin_class, option, None)
    if not value:
        return []
    if option == "fieldsets":
        return [f for _, opts in value for f in opts.get("fields", ())]
    if option == "prepopulated_fields":
        return [*value, *value.values()]
    if option == "radio_fields":
        return list(value)
    if isinstance(value, str):
        return [value]
    return list(value)


def _config_errors(admin_class: type, model: type[Model]) -> list[checks.CheckMessage]:
    errors = []
    for option in FIELD_OPTIONS:
        for item in _option_values(admin_class, option):
            for name in _names(item):
                if reaches_private(model, name):
                    errors.append(
                        checks.Error(
                            f"{admin_class.__qualname__}.{option} names {name!r}, which is private "
                            f"text (core.admin_privacy.PRIVATE_TEXT).",
                            hint="Remove it: the admin never shows or queries private text.",
                            obj=admin_class,
                            id="tandem.A002",
                        )
                    )
    return errors


def check_admin_privacy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from django.contrib.admin.sites import all_sites

    errors: list[checks.CheckMessage] = []
    for label, fields in PRIVATE_TEXT.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            errors.append(
                checks.Error(f"PRIVATE_TEXT names the unknown model {label}.", id="tandem.A003")
            )
            continue
        for name in sorted(fields):
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(
                        f"PRIVATE_TEXT names {label}.{name}, which doesn't exist.", id="tandem.A003"
                    )
                )
    for site in all_sites:
        for model, model_admin in site._registry.items():
            if not isinstance(model_admin, PrivateTextAdminMixin):
                errors.append(
                    checks.Error(
                        f"{type(model_admin).__qualname__} is registered on {site.name} without "
                        "PrivateTextAdminMixin.",
                        hint="Register models on the default admin site (admin.site / "
                        "@admin.register), which adds it.",
                        obj=type(model_admin),
                        id="tandem.A001",
                    )
                )
            errors += _config_errors(type(model_admin), model)
            for inline in model_admin.inlines:
                errors += _config_errors(inline, inline.model)
    return errors
