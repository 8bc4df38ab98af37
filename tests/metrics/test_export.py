from __future__ import annotations

import pytest

from metrics import charts
from metrics.export import escape_cell, to_csv


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_it_prefixes_cells_a_spreadsheet_would_run(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value,expected",
    [("Kubernetes", "Kubernetes"), (3, "3"), (None, ""), ("a=b", "a=b"), ("—", "—")],
)
def test_it_leaves_harmless_cells_alone(value, expected: str) -> None:
    assert escape_cell(value) == expected


def test_it_escapes_every_cell_of_a_csv() -> None:
    assert to_csv([["=1", "ok"], ["@x", 2]]) == "'=1,ok\r\n'@x,2\r\n"


def test_it_draws_grouped_bars_and_marks_suppressed_values() -> None:
    svg = charts.grouped_bars("T", ["6 months"], [("A", [50.0]), ("B", [None])], maximum=100)
    assert svg.startswith("<svg") and svg.count("<rect") == 3  # two legend keys + one bar
    assert "suppressed" in svg


def test_it_escapes_labels_in_charts() -> None:
    svg = charts.bar_chart("T", ["<script>"], [1])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_it_draws_one_heatmap_cell_per_value() -> None:
    svg = charts.heatmap("H", ["Cloud", "Data"], ["Sought", "Places"], [[3, 5], [None, 0]])
    assert svg.count("<rect") == 4


def test_it_escapes_minus_31_as_text_but_writes_the_number_minus_31_plainly() -> None:
    assert to_csv([["-31", -31, -2.5]]) == "'-31,-31,-2.5\r\n"


def test_it_writes_missing_figures_as_empty_cells_and_flags_as_true_false() -> None:
    assert to_csv([[None, float("nan"), True, False, 0]]) == ",,true,false,0\r\n"
