from datetime import date

import pytest

from imports import csvcheck
from imports.csvcheck import RowError

COLS = ("email", "name")


def test_it_reports_missing_columns_once_on_line_one():
    parsed = csvcheck.read("name,other\nA,B\nC,D\n", required=COLS, optional=("other",))
    assert parsed.errors == [RowError(1, "", "Missing required column(s): email.")]
    assert parsed.rows == []


def test_it_reports_unknown_and_repeated_columns_on_line_one():
    parsed = csvcheck.read("email,name,email,colour\n", required=COLS)
    assert len(parsed.errors) == 1
    assert "Unknown column(s): colour" in parsed.errors[0].message
    assert "appear twice: email" in parsed.errors[0].message


def test_it_normalises_header_case_and_spaces():
    parsed = csvcheck.read(" Email ,Name\nx@example.com,X\n", required=COLS)
    assert parsed.errors == []
    assert parsed.rows[0].cells == {"email": "x@example.com", "name": "X"}


def test_it_numbers_lines_as_in_the_file_with_multiline_cells_and_blank_lines():
    text = 'email,name\na@x.com,"two\nlines"\n\nb@x.com,B\n'
    parsed = csvcheck.read(text, required=COLS)
    assert [r.line for r in parsed.rows] == [2, 5]
    # the newline inside the quoted cell is a control character
    assert parsed.errors == [
        RowError(2, "name", "Contains a control character (U+000A); remove it.")
    ]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\r"])
def test_it_rejects_control_characters(char):
    parsed = csvcheck.read(f'email,name\na@x.com,"A{char}B"\n', required=COLS)
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "name")]


def test_it_allows_tabs_and_formula_like_text():
    parsed = csvcheck.read("email,name\na@x.com,\tA\tB\n", required=COLS)
    assert parsed.errors == []
    assert parsed.rows[0].get("name") == "A\tB"


def test_it_reports_rows_wider_than_the_header():
    parsed = csvcheck.read("email,name\na@x.com,A,extra\n", required=COLS)
    assert parsed.errors[0].line == 2
    assert "3 cells" in parsed.errors[0].message


def test_it_fills_missing_trailing_cells():
    parsed = csvcheck.read("email,name\na@x.com\n", required=COLS)
    assert parsed.rows[0].get("name") == ""


def test_it_refuses_too_many_rows():
    text = "email,name\n" + "a@x.com,A\n" * 6
    with pytest.raises(csvcheck.CsvFileError, match="more than 5 rows"):
        csvcheck.read(text, required=COLS, max_rows=5)


def test_it_refuses_non_utf8_and_oversized_and_empty_files():
    with pytest.raises(csvcheck.CsvFileError, match="UTF-8"):
        csvcheck.decode("email\nJosé".encode("latin-1"))
    with pytest.raises(csvcheck.CsvFileError, match="limit is"):
        csvcheck.decode(b"x" * 11, max_bytes=10)
    with pytest.raises(csvcheck.CsvFileError, match="empty"):
        csvcheck.decode(b"  \n")


def test_it_strips_a_byte_order_mark():
    assert csvcheck.decode("\ufeffemail".encode()) == "email"


def test_it_points_duplicates_at_the_first_line():
    parsed = csvcheck.read("email,name\nA@x.com,A\nb@x.com,B\na@x.com,C\n", required=COLS)
    errors = csvcheck.duplicates(parsed.rows, lambda r: r.get("email").lower(), "email", "email")
    assert errors == [RowError(4, "email", "Duplicate email: already on line 2.")]


def test_it_parses_strict_iso_dates():
    assert csvcheck.parse_iso_date("2024-02-29") == date(2024, 2, 29)
    for bad in ("20240229", "2023-02-29", "29/02/2024"):
        with pytest.raises(ValueError):
            csvcheck.parse_iso_date(bad)


def test_it_parses_yes_no_and_bounded_ints():
    assert csvcheck.parse_yes_no("Yes") is True
    assert csvcheck.parse_yes_no("no") is False
    with pytest.raises(ValueError):
        csvcheck.parse_yes_no("maybe")
    assert csvcheck.parse_int("3", low=1, high=5) == 3
    with pytest.raises(ValueError, match="out of range"):
        csvcheck.parse_int("6", low=1, high=5)


def test_it_matches_choices_by_value_or_label():
    choices = [("cloud", "Cloud and platform")]
    assert csvcheck.match_choice("CLOUD", choices) == "cloud"
    assert csvcheck.match_choice("cloud and platform", choices) == "cloud"
    assert csvcheck.match_choice("clouds", choices) is None


def test_it_finds_each_cycle_once():
    managers = {"a": "b", "b": "c", "c": "a", "d": "a", "e": "e", "f": None, "g": "x"}
    cycles = csvcheck.find_cycles(managers)
    assert sorted(sorted(c) for c in cycles) == [["a", "b", "c"], ["e"]]


def test_it_finds_no_cycle_in_a_tree():
    assert csvcheck.find_cycles({i: (i - 1 if i else None) for i in range(5000)}) == []


def test_it_describes_cycles():
    assert csvcheck.describe_cycle(["a"]) == "a would be their own manager."
    assert csvcheck.describe_cycle(["a", "b"]) == "Reporting lines would loop: a → b → a."


def test_it_has_no_django_imports():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(csvcheck))
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n.startswith("django")]


def test_it_refuses_a_file_with_a_nul_byte_naming_its_line():
    with pytest.raises(csvcheck.CsvFileError, match=r"NUL byte \(line 2\)"):
        csvcheck.decode(b"email,name\na@x.com,A\x00B\n")
    # A UTF-16 file (Excel's "Unicode text") decodes to text full of NULs.
    with pytest.raises(csvcheck.CsvFileError, match="NUL byte"):
        csvcheck.decode("email,name\n".encode("utf-16-le"))
