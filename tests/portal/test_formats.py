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


# Django's own date and time filters, and tags that write the clock: a template
# writes dates with ``date_in_words`` / ``day_in_words`` and times with
# ``moment_in_words`` instead (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
RAW_FORMAT = re.compile(
    r"\|\s*(?:date|time)\b(?:\s*:\s*(?:\"[^\"]*\"|'[^']*'|\w+))?"
    r"|DATETIME_FORMAT|TIME_FORMAT|\{%\s*now\b|naturaltime|timesince|timeuntil"
)
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def _templates():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*"):
        parts = set(path.relative_to(root).parts)
        skipped = parts & {".venv", "node_modules", "static", "media", "bench"}
        if path.suffix in TEMPLATE_SUFFIXES and "templates" in parts and not skipped:
            yield path


def _raw_formats(text):
    return [match.group(0) for match in RAW_FORMAT.finditer(text)]


def test_the_scan_finds_a_raw_date_or_time_format():
    assert _raw_formats('{{ at|date:"j F Y, g:i a" }}') == ['|date:"j F Y, g:i a"']
    assert _raw_formats("{{ at|time }}") == ["|time"]
    assert _raw_formats("{{ at|date:SHORT_DATETIME_FORMAT }}") != []
    assert _raw_formats('{{ on|date:"j F Y" }}') == ['|date:"j F Y"']
    assert _raw_formats("{{ on|date_in_words }} at {{ x|timely }}") == []


def test_no_template_formats_a_date_or_time_itself():
    """Every date and time goes through ``portal.formats``, so "12:00 p.m." is never shown."""
    assert any(_templates())
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in _templates()
        if (found := _raw_formats(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
