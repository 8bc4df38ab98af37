"""Matching pages: coordinators of the program only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import validation_text
from core.http import CSV, as_download
from people.models import User
from people.permissions import is_hr
from programs.selectors import coordinated_program

from . import selectors, services, solve
from .forms import PairRuleForm, StartRunForm, SwapForm, WeightsForm
from .models import MatchingRun, PairRule, Proposal, ProposalStatus, RunStatus
from .rules import describe

PROPOSALS_PER_PAGE = 50


def _require_hr(request: HttpRequest) -> None:
    # The role first, so a refusal never depends on whether the id exists (docs/security.md).
    if not is_hr(request.user):
        raise PermissionDenied("Only HR coordinators can open this page.")


def _run_for(request: HttpRequest, pk: int) -> MatchingRun:
    """The run if the requester coordinates its program; 404 for another program's run."""
    _require_hr(request)
    run = get_object_or_404(MatchingRun.objects.select_related("program", "started_by"), pk=pk)
    if not run.program.is_coordinator(request.user):
        raise Http404("No such matching run.")
    return run


@login_required
@require_POST
def run_start(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = StartRunForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else None
    remaining_only = request.POST.get("remaining_only") in ("1", "on", "true")
    try:
        run = services.matching_run_start(
            program=program, by=request.user, mode=mode, remaining_only=remaining_only
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        back = request.POST.get("run")
        if remaining_only and back and back.isdigit():
            return redirect("matching:run", int(back))
        return redirect("programs:manage", program.slug)
    return redirect(run)


@login_required
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    page = Paginator(selectors.runs_for_program(program), 20).get_page(request.GET.get("page"))
    return render(request, "matching/run_list.html", {"program": program, "page": page})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    context = {"run": run, "program": run.program}
    if run.status == RunStatus.SUCCEEDED:
        page = Paginator(selectors.run_proposals(run), PROPOSALS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        proposals = list(page.object_list)
        options = selectors.alternatives_now(run, proposals)
        for proposal in proposals:
            proposal.options = options.get(proposal.pk, [])
        context.update(
            page=page,
            proposals=proposals,
            counts=_status_counts(run),
            weak_count=selectors.run_weak_count(run),
            must_have_lines=describe(solve.must_have_from(run.parameters)),
            weight_lines=selectors.run_weight_lines(run),
            duration=selectors.run_duration_text(run),
        )
        context.update(_left(run))
    if run.published_at:
        context.update(
            emails=selectors.run_email_progress(run), activating=selectors.run_pairs_activating(run)
        )
    return render(request, "matching/run_detail.html", context)


def _left(run: MatchingRun) -> dict:
    """What the "Match those left" panel needs: how many, and whether this run may start it."""
    program = run.program
    latest = selectors.latest_finished_run(program)
    return {
        "left_count": selectors.mentees_left(program),
        "left_latest": latest is not None and latest.pk == run.pk,
        "left_busy": selectors.has_open_run(program),
        "left_runnable": program.status in services.RUNNABLE_PROGRAM_STATUSES,
    }


def _status_counts(run: MatchingRun) -> dict[str, int]:
    counts = dict.fromkeys(ProposalStatus.values, 0)
    for status in run.proposals.values_list("status", flat=True).order_by():
        counts[status] += 1
    return counts


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    return render(request, "matching/_run_status.html", {"run": run})


@login_required
@require_POST
def run_accept(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    ids = None if "all" in request.POST else _ids(request.POST.getlist("proposal"))
    if ids == []:
        messages.error(request, "Tick at least one proposal, or use “Accept all”.")
        return redirect(run)
    if "reject" in request.POST:
        return _reject(request, run, ids or [])
    if ids is None:
        return _accept_all(request, run)
    try:
        result = services.proposals_accept(run=run, proposal_ids=ids, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        return redirect(run)
    if result.accepted:
        messages.success(
            request,
            f"{len(result.accepted)} pair(s) accepted as proposed "
            "mentorships. Publish the run to tell them.",
        )
    for proposal, reason in result.refused:
        messages.error(request, f"{proposal.mentor} → {proposal.mentee} not accepted: {reason}")
    if not result.accepted and not result.refused:
        messages.info(request, "Nothing to accept: those proposals were already handled.")
    return redirect(run)


def _accept_all(request: HttpRequest, run: MatchingRun) -> HttpResponse:
    try:
        count = services.proposals_accept_all_start(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        return redirect(run)
    if count:
        messages.success(
            request,
            f"Accepting {count} proposal(s) as proposed mentorships; this "
            "page shows how far it got. Publish the run once it is done.",
        )
    else:
        messages.info(request, "Nothing to accept: those proposals were already handled.")
    return redirect(run)


@login_required
def run_accepting(request: HttpRequest, pk: int) -> HttpResponse:
    """How far "Accept all" got, polled by the run page."""
    run = _run_for(request, pk)
    return render(
        request, "matching/_run_accepting.html", {"run": run, "counts": _status_counts(run)}
    )


def _reject(request: HttpRequest, run: MatchingRun, ids: list[int]) -> HttpResponse:
    try:
        count = services.proposals_reject(run=run, proposal_ids=ids, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(
            request,
            f"{count} proposal(s) rejected: back in the unmatched list below. Their mentors' "
            "places are free for swaps, or for “Match those left”.",
        )
    return redirect(run)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
def proposal_swap(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hr(request)
    proposal = get_object_or_404(Proposal.objects.select_related("mentee", "mentor"), pk=pk)
    run = _run_for(request, proposal.run_id)
    proposal.run = run
    candidates = services.swap_candidates(proposal=proposal)
    form = SwapForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        mentor_id, move_id, move_to_id = form.cleaned_choice()
        new_mentor = get_object_or_404(User, pk=mentor_id)
        move = get_object_or_404(Proposal, pk=move_id, run=run) if move_id else None
        move_to = get_object_or_404(User, pk=move_to_id) if move_to_id else None
        try:
            services.proposal_swap(
                proposal=proposal,
                new_mentor=new_mentor,
                by=request.user,
                move=move,
                move_to=move_to,
            )
        except ValidationError as exc:
            form.add_error("mentor", exc)
        else:
            moved = f" {move.mentee} moved to {move_to} to free the place." if move else ""
            messages.success(
                request, f"{proposal.mentee} is now proposed with {new_mentor}.{moved}"
            )
            return redirect(f"{reverse('matching:run', args=[run.pk])}#proposal-{proposal.pk}")
    return render(
        request,
        "matching/swap.html",
        {
            "run": run,
            "program": run.program,
            "proposal": proposal,
            "form": form,
            "candidates": candidates,
        },
    )


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    try:
        count = services.run_publish(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(
            request,
            f"Published: {count} mentorship(s) become active and both "
            "sides are emailed; the progress shows below.",
        )
    return redirect(run)


@login_required
def run_emails(request: HttpRequest, pk: int) -> HttpResponse:
    """The publish emails' progress, polled by the run page."""
    run = _run_for(request, pk)
    return render(
        request,
        "matching/_run_emails.html",
        {
            "run": run,
            "emails": selectors.run_email_progress(run),
            "activating": selectors.run_pairs_activating(run),
        },
    )


@login_required
@require_POST
def run_emails_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    count = services.run_emails_retry(run=run, by=request.user)
    if count:
        messages.success(request, f"{count} refused email(s) will be sent again.")
    else:
        messages.info(request, "No refused emails to send again.")
    return redirect(f"{reverse('matching:run', args=[run.pk])}#emails")


@login_required
def weights_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    current = services.program_weights(program)
    points = [
        (WeightsForm.base_fields[name].label, value)
        for name, value in current.weights().points().items()
    ]
    form = WeightsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.program_weights_update(program=program, by=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Weights and rules saved; they apply to the next run.")
            return redirect("programs:manage", program.slug)
    return render(
        request, "matching/weights_form.html", {"program": program, "form": form, "points": points}
    )


@login_required
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = PairRuleForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_rule_create(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Rule added; it applies to the next run.")
            return redirect("matching:rules", program.slug)
    page = Paginator(selectors.rules_for_program(program), 50).get_page(request.GET.get("page"))
    return render(request, "matching/rules.html", {"program": program, "form": form, "page": page})


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hr(request)
    rule = get_object_or_404(PairRule.objects.select_related("program"), pk=pk)
    if not rule.program.is_coordinator(request.user):
        raise Http404("No such rule.")
    services.pair_rule_delete(rule=rule, by=request.user)
    messages.success(request, "Rule removed.")
    return redirect("matching:rules", rule.program.slug)


@login_required
def run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The run as CSV: one row per proposal (with its weak-match flags) and per unmatched
    mentee (with the reason and the nearest miss)."""
    run = _run_for(request, pk)
    if run.status != RunStatus.SUCCEEDED:
        raise Http404("This run has no results yet.")
    response = HttpResponse(content_type=CSV)
    selectors.run_csv_write(run, response)
    return as_download(response, f"matching-run-{run.pk}.csv")
