from datetime import datetime

import pytest
import time_machine

from portal.formats import LONDON
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=LONDON))
def test_your_opportunities_writes_a_noon_deadline_as_midday(commissioner):
    OpportunityFactory(
        publisher=commissioner.organisation,
        submission_deadline=datetime(2026, 4, 6, 12, 0, tzinfo=LONDON),
    )
    page = commissioner.get("/opportunities/manage/").content.decode()
    assert "Midday on Monday 6 April 2026" in page
    assert "12:00" not in page
    assert "p.m." not in page
