"""Reads for tenders: what a bidder shares from the registry, what a bid still lacks,
and what a commissioner may know before the box is opened."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.models import DocumentKind
from portal.formats import moment_in_words
from tenders import rules
from tenders.models import Bid, BidPartner, PanelMember, ScoreSheet, Tender

# What the registry holds that a commissioner needs to see with a bid.
POLICY_KINDS = (
    DocumentKind.SAFEGUARDING,
    DocumentKind.EQUALITY,
    DocumentKind.HEALTH_SAFETY,
    DocumentKind.DATA_PROTECTION,
    DocumentKind.INSURANCE,
)


def shared_details(organisation, *, today=None):
    """What the registry shares with the commissioner when ``organisation`` bids.

    Never typed into a bid: read from the registry when the bid is shown, and
    frozen into each submitted version. Each document says whether it has expired.
    """
    today = today or timezone.localdate()
    documents = [
        {
            "kind": document.kind,
            "kind_name": str(document.get_kind_display()),
            "title": document.title,
            "expires_on": document.expires_on.isoformat() if document.expires_on else None,
            "expired": bool(document.expires_on and document.expires_on < today),
        }
        for document in organisation.documents.all()
        if document.kind in POLICY_KINDS
    ]
    return {
        "name": organisation.name,
        "legal_form": str(organisation.get_legal_form_display()),
        "identifiers": [identifier.org_id for identifier in organisation.identifiers.all()],
        "size": str(organisation.size_class.label) if organisation.size_class else None,
        "income_band": str(organisation.get_income_band_display()) or None,
        "paid_staff": organisation.paid_staff,
        "volunteers": organisation.volunteers,
        "address": organisation.address,
        "postcode": organisation.postcode,
        "living_wage_employer": organisation.living_wage_employer,
        "charter_signatory": organisation.is_charter_signatory,
        "documents": documents,
        "missing_policies": [
            str(kind.label)
            for kind in POLICY_KINDS
            if kind not in {document["kind"] for document in documents}
        ],
    }


@dataclass
class Section:
    """One line of a bid's task list: a name, where to edit it, and what it still lacks."""

    name: str
    url_name: str
    missing: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    started: bool = False

    @property
    def complete(self):
        return not self.missing


def taking_bids(tender, now=None):
    """True while the opportunity takes bids: published, not cancelled or awarded, before
    the deadline and with the bid box still closed."""
    now = now or timezone.now()
    opportunity = tender.opportunity
    return (
        opportunity.published_at is not None
        and not opportunity.cancelled_at
        and not opportunity.awarded_at
        and tender.opened_at is None
        and now < opportunity.submission_deadline
    )


def bid_lots(bid):
    """The lots the bid is for, or ``[None]`` for an opportunity without lots."""
    opportunity_lots = list(bid.tender.opportunity.lots.all())
    if not opportunity_lots:
        return [None]
    chosen = {lot.pk for lot in bid.lots.all()}
    return [lot for lot in opportunity_lots if lot.pk in chosen]


def checklist(bid, *, today=None):
    """The bid's task list: each section with what is still missing before it can be submitted.

    Submission is refused while any section has something missing; warnings
    (an expired certificate, a missing policy) are shown but do not stop it.
    """
    tender = bid.tender
    has_lots = tender.opportunity.lots.exists()
    lots = bid_lots(bid)
    sections = []

    if has_lots:
        sections.append(
            Section(
                _("Lots you are bidding for"),
                "tenders:bid_lots",
                missing=[] if lots else [_("Choose at least one lot")],
                started=bool(lots),
            )
        )

    partners = list(bid.partners.select_related("organisation"))
    waiting = [p.display_name for p in partners if p.is_waiting]
    declined = [p.display_name for p in partners if p.declined_at]
    sections.append(
        Section(
            _("Partners and subcontractors"),
            "tenders:bid_partners",
            missing=[_("%(name)s has declined: remove them") % {"name": n} for n in declined],
            warnings=[
                _("%(name)s has not yet confirmed; they cannot read the bid until they do")
                % {"name": n}
                for n in waiting
            ],
            started=bool(partners),
        )
    )

    answers = {(a.criterion_id, a.lot_id): a.text for a in bid.answers.all()}
    for criterion in tender.criteria.all():
        for lot in lots if (criterion.per_lot and has_lots) else [None]:
            text = answers.get((criterion.pk, lot.pk if lot else None), "")
            words = rules.word_count(text)
            where = (
                _("Question %(number)s, %(lot)s") % {"number": criterion.number, "lot": lot}
                if lot
                else _("Question %(number)s") % {"number": criterion.number}
            )
            missing = []
            if not text.strip():
                missing.append(_("Answer question %(number)s") % {"number": criterion.number})
            elif words > criterion.word_limit:
                missing.append(
                    _("Your answer is %(words)s words; the limit is %(limit)s")
                    % {"words": words, "limit": criterion.word_limit}
                )
            section = Section(where, "tenders:bid_answer", missing=missing, started=bool(text))
            section.criterion, section.lot = criterion, lot
            sections.append(section)

    if tender.price_weight > 0:
        priced = {entry.line_id for entry in bid.prices.all()}
        breakdowns = {b.lot_id: b for b in bid.cost_breakdowns.all()}
        lines = list(tender.price_lines.all())
        for lot in lots:
            lot_id = lot.pk if lot else None
            lot_lines = [line for line in lines if line.lot_id == lot_id]
            missing = [
                _("Price “%(line)s”") % {"line": line.description}
                for line in lot_lines
                if line.pk not in priced
            ]
            if tender.full_cost_breakdown and lot_id not in breakdowns:
                missing.append(_("Break the price down into its full costs"))
            section = Section(
                _("Price for %(lot)s") % {"lot": lot} if lot else _("Price"),
                "tenders:bid_price",
                missing=missing,
                started=any(line.pk in priced for line in lot_lines),
            )
            section.lot = lot
            sections.append(section)

    commitments = bid.commitments.exists()
    sections.append(
        Section(
            _("Social value commitments"),
            "tenders:bid_social_value",
            missing=[] if commitments else [_("Add at least one social value commitment")],
            started=commitments,
        )
    )

    declared = []
    if bid.has_other_funding is None:
        declared.append(_("Say whether you have other funding for the same or similar work"))
    elif bid.has_other_funding and not bid.funding.exists():
        declared.append(_("List the other funding you have for the same or similar work"))
    if bid.has_conflicts is None:
        declared.append(_("Say whether you have any conflicts of interest"))
    if not bid.living_wage:
        declared.append(_("Say whether you pay the Real Living Wage"))
    sections.append(
        Section(
            _("Declarations"),
            "tenders:bid_declarations",
            missing=declared,
            started=bid.has_other_funding is not None or bid.has_conflicts is not None,
        )
    )

    details = shared_details(bid.organisation, today=today)
    sections.append(
        Section(
            _("Your organisation's details"),
            "tenders:bid_details",
            warnings=[
                _("%(title)s expired on %(date)s: upload a current one to your profile")
                % {"title": d["title"], "date": d["expires_on"]}
                for d in details["documents"]
                if d["expired"]
            ]
            + [
                _("No %(kind)s in your profile") % {"kind": kind.lower()}
                for kind in details["missing_policies"]
            ],
            started=True,
        )
    )
    return sections


def missing_from(sections):
    return [item for section in sections for item in section.missing]


def submitted_counts(tender):
    """``(bids submitted, {lot or None: bids submitted for it})``: all a commissioner may
    know before the box is opened. No names, no drafts, no withdrawn bids."""
    submitted = Bid.objects.filter(tender=tender).submitted()
    total = submitted.count()
    lots = list(tender.opportunity.lots.all())
    if not lots:
        return total, {None: total}
    per_lot = dict(
        Bid.lots.through.objects.filter(bid__in=submitted)
        .values("lot")
        .annotate(n=Count("bid"))
        .values_list("lot", "n")
    )
    return total, {lot: per_lot.get(lot.pk, 0) for lot in lots}


def bids_of(user, tender):
    """The bids of ``tender`` that ``user`` may read (``Bid.objects.visible_to``)."""
    return Bid.objects.visible_to(user).filter(tender=tender)


def own_bid(user, tender):
    """The bid ``user``'s organisations lead for ``tender``, or ``None``."""
    return (
        Bid.objects.filter(tender=tender, organisation__memberships__user=user)
        .select_related("organisation")
        .first()
    )


def partnerships_waiting(user):
    """Requests to join a consortium bid that ``user`` may answer (as an administrator)."""
    return BidPartner.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__role="admin",
        confirmed_at__isnull=True,
        declined_at__isnull=True,
    ).select_related("bid__organisation", "bid__tender__opportunity", "organisation")


def tender_of(opportunity, *related):
    """The opportunity's tender (its ``opportunity`` the same object), or ``None``."""
    tender = Tender.objects.select_related(*related).filter(opportunity=opportunity).first()
    if tender is not None:
        tender.opportunity = opportunity
    return tender


def opened_bids(tender, user):
    """The submitted bids of an opened box that ``user`` may read, first submitted first;
    empty while it is sealed.

    Drafts and withdrawn bids never enter evaluation and are never listed; nor is a
    bid ``user`` declared a conflict with, commissioner or not (``bids_of``).
    """
    if tender.opened_at is None:
        return Bid.objects.none()
    return (
        bids_of(user, tender)
        .submitted()
        .select_related("organisation", "current_version")
        .order_by("submitted_at", "pk")
    )


# A bid not yet submitted shows on its organisation's "To do" this long before the deadline.
BID_DUE_SOON = timedelta(days=14)


def to_do_for(user, memberships, *, now=None):
    """What ``user`` should see first about tenders, as ``(words, url)`` pairs.

    Bids of their organisations still to submit (or changed since) with the
    deadline within two weeks; consortium requests their organisations' administrators
    have to answer; for commissioners, bid boxes of their publishers whose deadline
    has passed and that nobody has opened yet; for evaluators, their panels'
    declarations and bids still to score (``evaluation_to_do``). A query each, only
    for the roles the user holds (``memberships`` are theirs).
    """
    now = now or timezone.now()
    to_do = evaluation_to_do(user)
    if not memberships:
        return to_do
    own = [membership.organisation_id for membership in memberships]
    due = (
        Bid.objects.filter(
            organisation__in=own,
            withdrawn_at__isnull=True,
            tender__opened_at__isnull=True,
            tender__opportunity__cancelled_at__isnull=True,
            tender__opportunity__submission_deadline__gt=now,
            tender__opportunity__submission_deadline__lte=now + BID_DUE_SOON,
        )
        .filter(Q(current_version__isnull=True) | Q(changed_at__gt=F("submitted_at")))
        .select_related("tender__opportunity")
        .order_by("tender__opportunity__submission_deadline")
    )
    for bid in due:
        opportunity = bid.tender.opportunity
        words = (
            _("your bid for %(title)s is not submitted; bids close at %(moment)s")
            if bid.current_version_id is None
            else _("your bid for %(title)s has changes not submitted; bids close at %(moment)s")
        )
        to_do.append(
            (
                words
                % {
                    "title": opportunity.title,
                    "moment": moment_in_words(opportunity.submission_deadline),
                },
                reverse("tenders:bid", args=[bid.reference]),
            )
        )
    asked = partnerships_waiting(user).filter(bid__tender__opportunity__submission_deadline__gt=now)
    for partner in asked if any(m.is_admin for m in memberships) else []:
        to_do.append(
            (
                _("%(lead)s asks %(partner)s to join its bid for %(title)s")
                % {
                    "lead": partner.bid.organisation.name,
                    "partner": partner.organisation.name,
                    "title": partner.bid.tender.opportunity.title,
                },
                reverse("tenders:partnership", args=[partner.pk]),
            )
        )
    publishers = [m.organisation_id for m in memberships if m.organisation.can_publish]
    ready = Tender.objects.filter(
        opportunity__publisher__in=publishers,
        opened_at__isnull=True,
        opportunity__cancelled_at__isnull=True,
        opportunity__submission_deadline__lte=now,
    ).select_related("opportunity")
    for tender in ready.order_by("opportunity__submission_deadline")[:5] if publishers else []:
        to_do.append(
            (
                _("the bid box of %(title)s is ready to open")
                % {"title": tender.opportunity.title},
                reverse("tenders:tender", args=[tender.opportunity.reference]),
            )
        )
    return to_do


# The evaluation panel.


def seats_of(user):
    """The panels ``user`` sits on, tender and opportunity joined, latest deadline first."""
    return (
        PanelMember.objects.filter(user=user)
        .select_related("tender__opportunity")
        .order_by("-tender__opportunity__submission_deadline", "pk")
    )


@dataclass
class Progress:
    """One panel member's scoring: sheets submitted of the bids they may score."""

    member: PanelMember
    submitted: int
    total: int

    @property
    def declared(self):
        return self.member.has_declared

    @property
    def to_score(self):
        return self.total - self.submitted if self.declared else 0


def without_conflicts(sheets):
    """``sheets`` (ScoreSheets) less those whose member declared a conflict with the
    sheet's bid, whether before scoring it or after: those scores never count, and
    nobody is shown them."""
    conflicted = PanelMember.conflicts.through.objects.filter(
        panelmember=OuterRef("member"), bid=OuterRef("bid")
    )
    return sheets.exclude(Exists(conflicted))


def panel_progress(seats):
    """``[Progress]`` for each of ``seats`` (panel members, on one tender or many).

    The bids a member scores are their tender's submitted bids once the box is
    open, less those they declared a conflict with. Three queries, whatever the
    number of seats, bids or questions.
    """
    seats = list(seats)
    bids = Bid.objects.filter(
        tender__in={seat.tender_id for seat in seats}, tender__opened_at__isnull=False
    ).submitted()
    per_tender = dict(
        bids.order_by().values("tender").annotate(n=Count("pk")).values_list("tender", "n")
    )
    conflicts = dict(
        PanelMember.conflicts.through.objects.filter(panelmember__in=seats, bid__in=bids)
        .values("panelmember")
        .annotate(n=Count("pk"))
        .values_list("panelmember", "n")
    )
    submitted = dict(
        without_conflicts(
            ScoreSheet.objects.filter(member__in=seats, submitted_at__isnull=False, bid__in=bids)
        )
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )
    return [
        Progress(
            member=seat,
            submitted=submitted.get(seat.pk, 0),
            total=per_tender.get(seat.tender_id, 0) - conflicts.get(seat.pk, 0),
        )
        for seat in seats
    ]


def evaluation_to_do(user):
    """An evaluator's to-do: panels whose box is open that they have not declared for,
    and bids they have still to submit scores for. Nothing for anyone else."""
    if not user.is_evaluator:
        return []
    to_do = []
    opened = seats_of(user).filter(tender__opened_at__isnull=False)
    for progress in panel_progress(opened):
        if not progress.total:
            continue  # no bids: nothing to declare against or to score
        tender = progress.member.tender
        url = reverse("tenders:evaluation", args=[tender.opportunity.reference])
        title = tender.opportunity.title
        if not progress.declared:
            to_do.append((_("declare your interests for %(title)s") % {"title": title}, url))
        elif progress.to_score:
            words = ngettext(
                "score %(count)s bid for %(title)s",
                "score %(count)s bids for %(title)s",
                progress.to_score,
            )
            to_do.append((words % {"count": progress.to_score, "title": title}, url))
    return to_do


def sheets_seen(member, bid):
    """``(member's own sheet or None, the other members' submitted sheets)`` for ``bid``,
    scores prefetched. The others are empty until ``member`` submitted their own
    sheet for the bid; a member with a conflict with the bid is never among them."""
    sheets = list(
        without_conflicts(ScoreSheet.objects.filter(bid=bid))
        .select_related("member__user")
        .prefetch_related("scores")
    )
    own = next((sheet for sheet in sheets if sheet.member_id == member.pk), None)
    if own is None or own.submitted_at is None:
        return own, []
    others = [s for s in sheets if s.member_id != member.pk and s.submitted_at is not None]
    return own, others


def sheets_of(member, bids):
    """``{bid id: member's ScoreSheet}`` for those of ``bids`` they have started."""
    return {
        sheet.bid_id: sheet
        for sheet in ScoreSheet.objects.filter(member=member, bid__in=[bid.pk for bid in bids])
    }
