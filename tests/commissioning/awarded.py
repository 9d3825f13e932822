"""A tender taken to a confirmed award, for the contract tests.

``opened_bids`` (from tests.tenders.conftest) gives three submitted bids for both
lots at 40,000, 50,000 and 60,000 a lot; ``award`` moderates, sends the notice
of intention for one lot and confirms it after the standstill.
"""

from tenders import actions
from tests.tenders import conftest as tender_fixtures
from tests.tenders.award import moderate

# The tenders tests' fixtures, for a test module to take in with ``FIXTURES``.
FIXTURES = (
    tender_fixtures.publisher_member,
    tender_fixtures.opportunity,
    tender_fixtures.tender,
    tender_fixtures.opened_bids,
)


def award(tender, lot, winners, by, time_machine, *, moderated=True):
    """Confirm the award of ``lot`` to ``winners``; the clock ends after the standstill."""
    if not moderated:
        moderate(tender, by)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=winners, reason="Highest score.", by=by, notify=False
    )
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    return actions.confirm_award(decision=decision, by=by)
