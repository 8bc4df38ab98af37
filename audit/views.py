from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from people.permissions import hr_required
from programs.selectors import coordinated_program

from .models import AuditEvent


@hr_required
def program_log(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    events = AuditEvent.objects.filter(program=program).order_by("-created_at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/program_log.html", {"program": program, "page": page})
