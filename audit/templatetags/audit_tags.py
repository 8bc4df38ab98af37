"""`{{ event|describe_event }}`: an audit event as a sentence (audit.describe)."""

from django import template

from ..describe import describe
from ..models import AuditEvent

register = template.Library()


@register.filter
def describe_event(event: AuditEvent) -> str:
    return describe(event)
