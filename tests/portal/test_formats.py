from datetime import UTC, datetime

import pytest

from portal.formats import moment_in_words


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
