"""Wards, a councillor for two of them and live opportunities, at a fixed Monday morning."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.text import slugify

from tests.factories import CouncillorFactory, OpportunityFactory, WardFactory

# Monday 30 November 2026, 7am UK time: ISO week 2026-W49.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    """The clock stopped at ``NOW``."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def wards():
    """Four wards by name: Aston, Edgbaston, Ladywood and Nechells."""
    return {
        name: WardFactory(name=name, slug=slugify(name))
        for name in ("Aston", "Edgbaston", "Ladywood", "Nechells")
    }


@pytest.fixture
def ward_councillor(wards):
    """Cllr Jane Doe, for Aston and Nechells."""
    return CouncillorFactory(
        full_name="Jane Doe",
        email="jane.doe@example.org",
        wards=[wards["Aston"], wards["Nechells"]],
    )


def received():
    """How many emails each address received (Django's test outbox)."""
    return Counter(address for message in mail.outbox for address in message.to)


def live_opportunity(
    title, *, wards=(), citywide=False, days_left=60, published_days_ago=30, **fields
):
    """A published opportunity taking bids for ``days_left`` more days from now."""
    now = timezone.now()
    opportunity = OpportunityFactory(
        title=title,
        citywide=citywide,
        published_at=now - timedelta(days=published_days_ago),
        clarification_deadline=now + timedelta(days=days_left - 1),
        submission_deadline=now + timedelta(days=days_left),
        **fields,
    )
    opportunity.wards.set(wards)
    return opportunity


@pytest.fixture
def live_opportunities(now, wards):
    """By title: one in Aston, one in Ladywood (another councillor's ward), one city-wide."""
    return {
        opportunity.title: opportunity
        for opportunity in [
            live_opportunity("Youth club in Aston", wards=[wards["Aston"]]),
            live_opportunity("Lunch club in Ladywood", wards=[wards["Ladywood"]]),
            live_opportunity("Advice across the city", citywide=True),
        ]
    }
