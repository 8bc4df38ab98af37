from datetime import UTC, date, datetime

from reminders.ics import Event, calendar, escape_text, fold

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def test_it_escapes_commas_semicolons_backslashes_and_newlines() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_it_folds_lines_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_it_writes_a_calendar_with_crlf_and_all_day_events() -> None:
    text = calendar(
        [Event(uid="checkin-1@tandem", day=date(2026, 3, 12), summary="Check-in, due")],
        name="Tandem",
        now=NOW,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART;VALUE=DATE:20260312\r\n" in text
    assert "DTSTAMP:20260310T093000Z\r\n" in text
    assert "UID:checkin-1@tandem\r\n" in text
    assert "SUMMARY:Check-in\\, due\r\n" in text
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 1
