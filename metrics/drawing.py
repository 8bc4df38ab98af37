"""A dashboard page's sections and filter bar drawn in Python, in one pass each.

The template engine spends tens of microseconds on each node, and a dashboard's sections are
hundreds of them (headers, download links, notes, links, a second table). The sections are
drawn here instead, with the same markup as the template's loop drew them
(tests/metrics/test_drawing.py compares them), and a stored view keeps each section's drawing
with its figures (metrics.snapshots): a returning viewer's page joins stored strings.

The only request-specific part of a section is the filters' query string in its CSV download
links, so a drawing is kept as pieces to be joined with that query; the chart, stored with the
section anyway, goes between the last two (`section_html`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.forms import BoundField, Form
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.drawn import _flat, _select

from .dashboards import Audience, Section
from .tables import table_links

# Stored with each drawing (metrics.snapshots): bump it when the markup below changes, so a
# view stored by the previous code is drawn anew rather than shown in the old markup.
VERSION = 2


def query_prefix(query: str) -> str:
    """What comes between "?" and "format=csv" in a download link: the filters, if any."""
    return f"{conditional_escape(query)}&amp;" if query else ""


def section_html(section: Section, pieces: list[str], query: str) -> SafeString:
    """A section's drawing joined with the request's filters and the section's chart."""
    *linked, after_chart = pieces
    chart = (
        format_html('<div class="col-xxl-6 metrics-chart-wrap">{}</div>', section.chart)
        if section.chart
        else ""
    )
    # Every piece drawn escaped by section_pieces, the chart by metrics.charts.
    return mark_safe(query_prefix(query).join(linked) + chart + after_chart)  # noqa: S308


def section_pieces(section: Section, audience: Audience) -> list[str]:
    """The section's card, as the page shows it, split where each download link's query goes,
    and where the chart goes (before the last piece).

    Every value is escaped here (format_html); the chart and table bodies were drawn escaped
    (metrics.charts, dashboards.table_body)."""
    s = section
    links = table_links(s, audience)
    head = format_html(
        '<section class="card mb-3" aria-labelledby="h-{key}" id="metric-{key}">'
        '<div class="card-body"><div class="d-flex flex-wrap justify-content-between gap-2">'
        '<h2 class="h5 mb-1" id="h-{key}">{title}</h2>'
        '<ul class="list-inline small mb-0" aria-label="{title}: download as CSV">',
        key=s.key,
        title=s.title,
    )
    pieces = [head]
    for name, label in links:
        pieces[-1] += '<li class="list-inline-item"><a href="?'
        pieces.append(
            format_html('format=csv&amp;table={}" download>{} (CSV)</a></li>', name, label)
        )
    if s.rows:
        table = format_html(
            '<div class="table-responsive">'
            '<table class="table table-sm align-middle metrics-table table-stack">'
            '<caption class="small">{}: figures</caption><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table></div>",
            s.title,
            _headers(s.headers),
            s.body_html,
        )
    else:
        table = mark_safe(
            '<p class="empty-state small">No data yet for these filters. Widen the filters, '
            "or record outcomes and check-ins first.</p>"
        )
    notes = format_html_join("", '<p class="small mb-1"><strong>{}</strong></p>', _each(s.notes))
    expert_links = (
        format_html(
            '<p class="small mb-1">Ask an expert, so the knowledge spreads: {}</p>',
            format_html_join(" · ", '<a href="{}">{}</a>', ((u, t) for t, u in s.links)),
        )
        if s.links
        else ""
    )
    extra = (
        format_html(
            '<details class="mt-2"><summary class="small">{} ({})</summary>'
            '<div class="table-responsive">'
            '<table class="table table-sm align-middle metrics-table table-stack">'
            '<caption class="small">{}: {}</caption><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table></div></details>",
            s.extra_title,
            localize(len(s.extra_rows)),
            s.title,
            str(s.extra_title).lower(),
            _headers(s.extra_headers),
            s.extra_body_html,
        )
        if s.extra_rows
        else ""
    )
    pieces[-1] += format_html(
        '</ul></div><p class="small text-body-secondary">{}</p><div class="row g-3">', s.intro
    )
    pieces.append(
        format_html(
            '<div class="{}">{}</div></div>{}{}{}</div></section>',
            "col-xxl-6" if s.chart else "col-12",
            table,
            notes,
            expert_links,
            extra,
        )
    )
    return pieces


def sections_html(sections: Iterable[Section], audience: Audience, query: str) -> SafeString:
    """Every section's card: as stored with the view (metrics.snapshots), or drawn now."""
    return mark_safe(  # noqa: S308 - each drawn escaped by section_pieces
        "\n".join(
            section_html(s, s.stored_pieces or section_pieces(s, audience), query) for s in sections
        )
    )


def _each(values: Iterable[object]) -> Iterable[tuple[object]]:
    return ((v,) for v in values)


def _headers(headers: Iterable[str]) -> SafeString:
    return format_html_join("", '<th scope="col">{}</th>', _each(headers))


# --- the filter bar -------------------------------------------------------------------------


def _widget(field: BoundField) -> SafeString:
    """The field's widget as Django's `as_widget` draws it (its attributes, then Django's own:
    aria-describedby, aria-invalid, id), without a template per <option>."""
    widget = field.field.widget
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    if isinstance(widget, forms.Select):
        return mark_safe(_select(field, attrs, None))  # noqa: S308 (escaped by core.drawn)
    value = widget.format_value(field.value())
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        format_html(' value="{}"', value) if value is not None else "",
        _flat(attrs),
    )


def filter_fields(form: Form) -> SafeString:
    """The filter form's fields, each in its column, as the dashboard drew them in a template
    loop (give a model choice field its choices as pairs first: they are read as they are)."""
    return format_html_join(
        "",
        '<div class="col-6 col-md-4 col-lg"><label class="form-label small mb-0" for="{}">{}'
        "</label>{}{}{}</div>",
        (
            (
                field.id_for_label,
                field.label,
                _widget(field),
                format_html(
                    '<div class="form-text small mt-0" id="{}_helptext">{}</div>',
                    field.auto_id,
                    field.help_text,
                )
                if field.help_text
                else "",
                format_html_join(
                    "", '<div class="invalid-feedback d-block">{}</div>', _each(field.errors)
                ),
            )
            for field in form
        ),
    )
