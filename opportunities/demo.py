"""Demo opportunities drawn from the commissioning described in the seed documents.

About 30 in every status: drafts, open (some closing soon, some new), closed,
awarded and cancelled; clarification questions on some (two still waiting for
an answer), organisations following the open ones and a partner board with
contact requests. Running ``seed`` twice changes nothing: opportunities are
matched by title, and the rest by what they belong to.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from opportunities import actions
from opportunities.actions.following import DEADLINE_REMINDERS
from opportunities.demo_data import (
    FOLLOWS,
    OPPORTUNITIES,
    PARTNER_CONTACTS,
    PARTNER_LISTINGS,
    QUESTIONS,
    C,
)
from opportunities.models import (
    CpvCode,
    Follow,
    Opportunity,
    PartnerContact,
    PartnerListing,
    Question,
)
from organisations.models import Membership, Organisation, ServiceCategory, Ward


def _noon(day):
    """Deadlines fall at 12:00 UK time, as commissioners usually set them."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def seed(*, publisher, by):
    """Create the demo opportunities for ``publisher`` and the questions, follows and
    partner listings on them; returns the opportunities by title."""
    actions.import_cpv_codes()
    categories = {c.name: c for c in ServiceCategory.objects.all()}
    wards = {w.name: w for w in Ward.objects.all()}
    codes = {c.code: c for c in CpvCode.objects.all()}
    existing = {o.title: o for o in Opportunity.objects.filter(publisher=publisher)}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate(now)
    created = {}
    for title, summary, category, (
        low,
        high,
    ), procedure, cpv, ward_names, small, state, days, lots in OPPORTUNITIES:
        if title in existing:
            created[title] = existing[title]
            continue
        if state in {"open", "draft"}:
            deadline = _noon(today + timedelta(days=days))
            published = now - timedelta(days=max(0, 84 - days)) if state == "open" else None
        else:
            deadline = _noon(today - timedelta(days=days))
            published = deadline - timedelta(days=84)
        opportunity = actions.create_draft(
            publisher=publisher,
            by=by,
            title=title,
            summary=summary,
            description=f"{summary}\n\n## What we want\n\n- a service that people trust\n"
            "- clear outcomes agreed with the people who use it\n- partnership with local groups",
            category=categories[category],
            value_low=Decimal(low),
            value_high=Decimal(high),
            procedure=procedure,
            cpv_codes=[codes[c] for c in cpv if c in codes],
            citywide=ward_names is None,
            wards=[wards[n] for n in ward_names or []],
            suitable_for_small=small,
            clarification_deadline=_noon(
                timezone.localdate(deadline) - timedelta(days=min(14, max(1, days // 3)))
            ),
            submission_deadline=deadline,
            short_window_reason=(
                "The current contract ends soon and the service must not stop."
                if published and deadline - published < timedelta(weeks=12)
                else ""
            ),
            contract_start=(deadline + timedelta(days=90)).date(),
            duration_months=36,
            extension_options="up to 2 further years",
            contact_name=C,
            contact_email="commissioning@example.org",
            lots=[{"title": name, "max_awards": awards} for name, awards in lots],
        )
        if published is not None:
            actions.publish(opportunity=opportunity, by=by, now=published)
        if state == "awarded":
            actions.record_award(opportunity=opportunity, at=deadline + timedelta(days=30))
        if state == "cancelled":
            actions.cancel(
                opportunity=opportunity,
                by=by,
                reason="The budget for this service has been withdrawn for this year.",
            )
        created[title] = opportunity
    organisations = {o.name: o for o in Organisation.objects.all()}
    _seed_questions(created, organisations, by=by)
    _seed_follows(created, organisations, now=now)
    _seed_partner_board(created, organisations)
    return created


# --- Questions, follows and the partner board ---------------------------------------
#
# Written straight to the tables rather than through the actions: the actions
# stamp everything "now" and email followers and partners, while the demo needs
# a history (questions asked weeks ago, some on opportunities that have since
# closed) and must not send mail. Every moment is a number of days after the
# opportunity was published, so each row respects the rules: questions before
# the deadline for questions, answers after them, nothing on drafts.


def _once(model, lookup, *, timestamps, **fields):
    """The row matching ``lookup``, created with ``fields`` if there is none.

    ``timestamps`` are written after creating, since ``auto_now_add`` would
    otherwise stamp them now.
    """
    row = model.objects.filter(**lookup).order_by("pk").first()
    if row is None:
        row = model.objects.create(**lookup, **fields)
        model.objects.filter(pk=row.pk).update(**timestamps)
        for name, value in timestamps.items():
            setattr(row, name, value)
    return row


def _member(organisation):
    """Who acts for a demo organisation: the person who registered it."""
    return Membership.objects.filter(organisation=organisation).order_by("pk").first().user


def _after_publication(opportunity, days):
    return opportunity.published_at + timedelta(days=days)


def _seed_questions(opportunities, organisations, *, by):
    """Clarification questions, answered by ``by`` except those left for the demo."""
    for title, asker, day, text, answered in QUESTIONS:
        opportunity, organisation = opportunities[title], organisations[asker]
        asked_at = _after_publication(opportunity, day)
        days_to_answer, answer = answered or (0, "")
        _once(
            Question,
            {"opportunity": opportunity, "text": text},
            # Asked weeks ago: the hourly job told the contact then.
            timestamps={"asked_at": asked_at, "contact_told_at": asked_at},
            organisation=organisation,
            asked_by=_member(organisation),
            answer=answer,
            answered_at=asked_at + timedelta(days=days_to_answer) if answer else None,
            answered_by=by if answer else None,
        )


def _seed_follows(opportunities, organisations, *, now):
    """Follows; reminders whose moment has passed are marked sent, as the job would have."""
    for name, title, day in FOLLOWS:
        opportunity = opportunities[title]
        followed_at = _after_publication(opportunity, day)
        reminded = {}
        for days, field in DEADLINE_REMINDERS.items():
            moment = opportunity.submission_deadline - timedelta(days=days)
            if followed_at <= moment <= now:
                reminded[field] = moment
        _once(
            Follow,
            {"opportunity": opportunity, "organisation": organisations[name]},
            timestamps={"created_at": followed_at},
            **reminded,
        )


def _seed_partner_board(opportunities, organisations):
    """Partner listings on open opportunities and a few contact requests between them."""
    listings = {}
    for title, name, role, day, message in PARTNER_LISTINGS:
        opportunity, organisation = opportunities[title], organisations[name]
        listings[title, name] = _once(
            PartnerListing,
            {"opportunity": opportunity, "organisation": organisation},
            timestamps={"created_at": _after_publication(opportunity, day)},
            role=role,
            message=message,
            created_by=_member(organisation),
        )
    for title, listed, name, days, message in PARTNER_CONTACTS:
        listing, organisation = listings[title, listed], organisations[name]
        _once(
            PartnerContact,
            {"listing": listing, "organisation": organisation},
            timestamps={"sent_at": listing.created_at + timedelta(days=days)},
            sent_by=_member(organisation),
            message=message,
        )
