"""Demo decommissioning: a grant not renewed at its end, with notice given and everyone
told, and a substantial change still being planned (seen only by the commissioners).

Seeding sends no email: the notices are marked sent as notice is given. A
contract that already has a plan of either kind is left alone, so seeding twice
changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from commissioning.actions import decommissioning as actions
from commissioning.decommissioning import earliest_with_full_notice
from commissioning.models import DecommissioningKind

SUPPORT = (
    "BVSC (Birmingham Voluntary Service Council), the city's local infrastructure "
    "organisation, offers free advice on other funding, on merging or sharing services and on "
    "redundancy: 0121 678 8808, bvsc.org. Service users can ask the council's adult social care "
    "team for a review of their support: 0121 303 1234."
)


def seed(*, contract, commissioner):
    """Give notice of not renewing ``contract`` at its end, two weeks ago, and plan a change
    to it that is not yet announced; ``commissioner`` acts for its publisher."""
    now = timezone.now()
    existing = set(contract.decommissionings.values_list("kind", flat=True))
    if DecommissioningKind.NOT_RENEW not in existing:
        _not_renewed(contract, commissioner, now - timedelta(days=14))
    if DecommissioningKind.CHANGE not in existing:
        _change_planned(contract, commissioner, now)


def _not_renewed(contract, commissioner, given):
    short = earliest_with_full_notice(timezone.localdate(given)) > contract.ends_on
    plan = actions.plan_decommissioning(
        contract=contract,
        by=commissioner,
        kind=DecommissioningKind.NOT_RENEW,
        reasons=(
            "The council's review of day opportunities found that most people using the "
            "service now also use the new community hubs, which offer the same activities "
            "closer to home. The money will fund the hubs' outreach to people who cannot "
            "travel, commissioned through the pipeline in the spring."
        ),
        impact_assessment=(
            "Service users: about 120 people, most over 75; all have been offered a place at "
            "a hub within a mile of home, with transport where needed.\n"
            "The supplier: two part-time staff and 25 volunteers; the grant is a third of its "
            "income. It has been invited to bid for the outreach contract.\n"
            "Other organisations: the lunch clubs that refer people will be told where to "
            "refer them from the end date.\n"
            "Equalities: older and disabled people are affected most; transport and a named "
            "contact at each hub reduce the risk of anyone losing support."
        ),
        support=SUPPORT,
        short_notice_reason=(
            "The review finished late; the supplier agreed the shorter notice." if short else ""
        ),
        now=given,
    )
    actions.give_notice(decommissioning=plan, by=commissioner, now=given, notify=False)
    # Planned three weeks before notice was given, as it would have been.
    type(plan).objects.filter(pk=plan.pk).update(created_at=given - timedelta(days=21))


def _change_planned(contract, commissioner, now):
    takes_effect_on = min(
        earliest_with_full_notice(timezone.localdate(now)) + timedelta(days=30), contract.ends_on
    )
    short = takes_effect_on < earliest_with_full_notice(timezone.localdate(now))
    actions.plan_decommissioning(
        contract=contract,
        by=commissioner,
        kind=DecommissioningKind.CHANGE,
        reasons=(
            "Sessions on Saturdays will stop and the weekday hours grow, following what the "
            "listening exercise heard."
        ),
        impact_assessment=(
            "Around 15 people use the Saturday sessions; the weekday sessions have room for "
            "them. Carers who work weekdays may lose a break: to be discussed with them."
        ),
        support=SUPPORT,
        takes_effect_on=takes_effect_on,
        short_notice_reason="The contract ends soon; the change is small." if short else "",
        now=now,
    )
