"""core.csvcheck: the CSV walk every import shares (the checks themselves: tests/imports)."""

import csv

import pytest

from core import csvcheck


def test_it_numbers_each_record_by_the_line_it_starts_on() -> None:
    records = csvcheck.Records('a,b\n1,"two\nlines"\n\n , \n3,4\n')
    assert records.header() == ["a", "b"]
    assert list(records) == [(2, ["1", "two\nlines"]), (6, ["3", "4"])]


def test_it_refuses_more_rows_than_the_limit() -> None:
    records = csvcheck.Records("a\n1\n\n2\n", max_rows=2)
    records.header()
    assert [line for line, _ in records] == [2, 4]
    records = csvcheck.Records("a\n1\n2\n3\n", max_rows=2)
    records.header()
    with pytest.raises(csvcheck.CsvFileError, match="more than 2 rows"):
        list(records)


def test_it_says_where_an_unreadable_record_starts() -> None:
    records = csvcheck.Records("a\n1\n" + "x" * (csv.field_size_limit() + 1) + "\n")
    records.header()
    with pytest.raises(csv.Error):
        list(records)
    assert records.line == 3
