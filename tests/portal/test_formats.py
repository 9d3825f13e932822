import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from portal.formats import date_in_words, day_in_words, moment_in_words


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 3, 2, 12, 0, tzinfo=UTC), "midday on Monday 2 March 2026 (UK time)"),
        (datetime(2026, 3, 2, 0, 0, tzinfo=UTC), "midnight on Monday 2 March 2026 (UK time)"),
        (datetime(2026, 3, 2, 17, 0, tzinfo=UTC), "5pm on Monday 2 March 2026 (UK time)"),
        (datetime(2026, 3, 2, 9, 5, tzinfo=UTC), "9:05am on Monday 2 March 2026 (UK time)"),
        # British Summer Time: 11:30 UTC is 12:30pm in London.
        (datetime(2026, 7, 1, 11, 30, tzinfo=UTC), "12:30pm on Wednesday 1 July 2026 (UK time)"),
        # After the clocks go back, London is on UTC again.
        (
            datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
            "11:30pm on Saturday 31 October 2026 (UK time)",
        ),
    ],
)
def test_deadlines_are_written_in_uk_time_the_govuk_way(moment, words):
    assert moment_in_words(moment) == words


def test_a_moments_date_is_its_date_in_london():
    # 11:30pm UTC on 30 June is already 1 July in London (British Summer Time).
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert date_in_words(late) == "1 July 2026"
    assert day_in_words(late) == "Wednesday 1 July 2026"
    assert date_in_words(date(2026, 3, 2)) == "2 March 2026"


def test_the_filter_can_leave_off_uk_time_for_a_table_that_says_it_once():
    template = Template("{% load portal_formats %}{{ at|moment_in_words:False }}")
    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert template.render(Context({"at": at})) == "midday on Monday 2 March 2026"


# Django's date format characters that show a time of day (or a whole
# timestamp): https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date
TIME_FORMAT_CHARACTERS = set("aAfgGhHisuPeIOTZcrU")
DATE_FILTER = re.compile(
    r"""\|\s*date\s*(?::\s*(?P<quote>["'])(?P<format>.*?)(?P=quote)|:\s*(?P<name>\w+))?"""
)
RAW_TIME = re.compile(
    r"\|\s*time\b|DATETIME_FORMAT|TIME_FORMAT|\{%\s*now\b|naturaltime|timesince|timeuntil"
)
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def _templates():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        skipped = parts & {".venv", "node_modules", "static", "media", "bench"}
        if path.suffix in TEMPLATE_SUFFIXES and "templates" in parts and not skipped:
            yield path


def _shows_a_time(format_string):
    unescaped = re.sub(r"\\.", "", format_string)
    return bool(set(unescaped) & TIME_FORMAT_CHARACTERS)


def _raw_time_formats(text):
    found = [match.group(0) for match in RAW_TIME.finditer(text)]
    for match in DATE_FILTER.finditer(text):
        if match.group("name") or (match.group("format") and _shows_a_time(match.group("format"))):
            found.append(match.group(0))
    return found


def test_the_scan_finds_a_raw_time_format():
    assert _raw_time_formats('{{ at|date:"j F Y, g:i a" }}') == ['|date:"j F Y, g:i a"']
    assert _raw_time_formats("{{ at|time }}") == ["|time"]
    assert _raw_time_formats("{{ at|date:SHORT_DATETIME_FORMAT }}") != []
    assert _raw_time_formats('{{ on|date:"j F Y" }} at {{ x|timely }}') == []


def test_no_template_writes_a_time_of_day_itself():
    """Every time of day goes through ``moment_in_words``, so "12:00 p.m." is never shown."""
    assert any(_templates())
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in _templates()
        if (found := _raw_time_formats(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
