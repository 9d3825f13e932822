"""Making contracts: from a confirmed award, or recorded directly by a commissioner, and
the social value pledges a commissioner adds to a contract recorded directly.

``contract_from_award`` is run by the ``commissioning.contract_from_award`` task,
which ``tenders.actions.award.confirm_award`` enqueues by name after commit (so
tenders never imports commissioning), and by the hourly sweep
``make_missing_contracts``, which catches any decision the task missed (a broker
that was down). Both are idempotent: a winning bid has one contract, which a
second lot won by the same bid extends.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning import ocds, spend
from commissioning.models import (
    Contract,
    ContractKind,
    ContractSupplier,
    PipelineItem,
    Pledge,
    SupplierRole,
)
from commissioning.periods import ends_after
from commissioning.references import create_with_reference
from opportunities.actions import require_commissioner
from tenders.evaluation import prices_of
from tenders.models import AwardDecision, Bid, BidPartner, PartnerKind

logger = logging.getLogger(__name__)

# A contract from a tender whose opportunity gave no length runs a year.
DEFAULT_MONTHS = 12


def _winning_bids(decision):
    """The decision's winning bids, locked (one maker per bid at a time), each with its
    frozen lots and prices as ``tenders.evaluation.prices_of`` reads them."""
    return list(
        Bid.objects.filter(pk__in=decision.winners.values("pk"))
        .select_for_update(of=("self",))
        .select_related("organisation")
        .annotate(
            frozen_lots=F("current_version__content__lots"),
            frozen_prices=F("current_version__content__prices"),
        )
        .order_by("pk")
    )


def _price(bid, lot):
    return prices_of(bid, [lot]).get(lot.pk if lot else None, Decimal(0))


@transaction.atomic
def contract_from_award(*, decision, by=None):
    """Make (or extend) a contract for each winning bid of a confirmed ``decision``.

    A bid without a contract gets one: reference ``CON-YYYY-NNNN``, the
    opportunity's publisher, title, category, wards, extension options and dates
    (its contract start, or the day the award was confirmed, for its length in
    months), the value of the bid's frozen price for the lot, the bid's
    organisation as lead supplier and its confirmed partners who have not left as
    consortium members (subcontractors named in the bid as subcontractors), and a
    pledge for each of the bid's social value commitments. A bid that already has
    a contract (it won another lot) has the lot and its price added. Returns the
    contracts made or extended; calling it again changes nothing.
    """
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    decision = (
        AwardDecision.objects.select_related("tender__opportunity", "lot")
        .filter(pk=decision.pk)
        .first()
    )
    if decision is None or not decision.is_confirmed or decision.is_withdrawn:
        raise ValueError("Only a confirmed award decision makes contracts.")
    touched = []
    for bid in _winning_bids(decision):
        contract = Contract.objects.filter(bid=bid).first()
        if contract is None:
            touched.append(_make(decision, bid, by))
        elif decision.lot_id and not contract.lots.filter(pk=decision.lot_id).exists():
            contract.lots.add(decision.lot)
            contract.value += _price(bid, decision.lot)
            contract.save(update_fields=["value"])
            ocds.record_lot_added(contract, decision)
            touched.append(contract)
    return touched


def _project_of(opportunity):
    """The project the opportunity was planned in, through its pipeline item, if any."""
    return (
        PipelineItem.objects.filter(opportunity=opportunity, project__isnull=False)
        .values_list("project_id", flat=True)
        .first()
    )


def _make(decision, bid, by):
    opportunity = decision.tender.opportunity
    starts_on = opportunity.contract_start or timezone.localdate(decision.confirmed_at)
    contract = create_with_reference(
        Contract,
        "CON",
        kind=ContractKind.CONTRACT,
        publisher=opportunity.publisher,
        opportunity=opportunity,
        bid=bid,
        title=opportunity.title,
        description=opportunity.summary,
        category=opportunity.category,
        citywide=opportunity.citywide,
        value=_price(bid, decision.lot),
        starts_on=starts_on,
        ends_on=ends_after(starts_on, opportunity.duration_months or DEFAULT_MONTHS),
        extension_options=opportunity.extension_options,
        project_id=_project_of(opportunity),
        created_by=by,
    )
    contract.wards.set(opportunity.wards.all())
    if decision.lot_id:
        contract.lots.add(decision.lot)
    suppliers = [
        ContractSupplier(
            contract=contract,
            organisation=bid.organisation,
            role=SupplierRole.LEAD,
            joined_on=starts_on,
        )
    ]
    partners = BidPartner.objects.filter(
        bid=bid, organisation__isnull=False, confirmed_at__isnull=False, left_at__isnull=True
    ).exclude(organisation=bid.organisation)
    for partner in partners:
        subcontractor = partner.kind == PartnerKind.SUBCONTRACTOR
        role = SupplierRole.SUBCONTRACTOR if subcontractor else SupplierRole.PARTNER
        suppliers.append(
            ContractSupplier(
                contract=contract,
                organisation_id=partner.organisation_id,
                role=role,
                joined_on=starts_on,
            )
        )
    ContractSupplier.objects.bulk_create(suppliers)
    for commitment in bid.commitments.prefetch_related("wards"):
        pledge = Pledge.objects.create(
            contract=contract,
            commitment=commitment,
            measure=commitment.measure,
            quantity=commitment.quantity,
            unit=commitment.unit,
            citywide=commitment.citywide,
        )
        pledge.wards.set(commitment.wards.all())
    ocds.record_signed(contract)
    return contract


def decisions_without_contracts():
    """Confirmed award decisions with a winning bid that has no contract for them."""
    winners = AwardDecision.winners.through.objects
    covered_lot = Contract.lots.through.objects.filter(
        contract__bid=OuterRef("bid"), lot=OuterRef("awarddecision__lot")
    )
    covered = Contract.objects.filter(bid=OuterRef("bid"))
    uncovered = winners.filter(
        Q(~Exists(covered), awarddecision__lot__isnull=True)
        | Q(~Exists(covered_lot), awarddecision__lot__isnull=False),
        awarddecision__confirmed_at__isnull=False,
        awarddecision__withdrawn_at__isnull=True,
    )
    return AwardDecision.objects.filter(pk__in=uncovered.values("awarddecision"))


def make_missing_contracts():
    """Make the contracts of every confirmed decision that lacks them; one failing
    decision is logged and the rest go on. Returns how many decisions were made good."""
    made = 0
    for decision in decisions_without_contracts():
        try:
            contract_from_award(decision=decision)
            made += 1
        except Exception:
            logger.exception("Could not make the contracts of award decision %s", decision.pk)
    return made


def _refuse_dates(starts_on, ends_on):
    if starts_on and ends_on and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The end date must be after the start date")})


@transaction.atomic
def record_contract(
    *,
    publisher,
    by,
    kind,
    lead,
    title,
    category,
    value,
    starts_on,
    ends_on,
    partners=(),
    description="",
    citywide=False,
    wards=(),
    extension_options="",
    project=None,
):
    """Record a grant, service level agreement, partnership agreement or contract made
    outside a tender, with ``lead`` as its lead supplier and ``partners`` as consortium
    members. Only ``publisher``'s commissioners; ``project`` must be the publisher's;
    the end must come after the start."""
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    require_commissioner(publisher, by)
    _refuse_dates(starts_on, ends_on)
    if project is not None and project.publisher_id != publisher.pk:
        raise ValidationError({"project": _("Choose one of your organisation's projects")})
    if kind not in ContractKind.values:
        raise ValidationError({"kind": _("Choose the type of agreement")})
    contract = create_with_reference(
        Contract,
        "CON",
        kind=kind,
        publisher=publisher,
        project=project,
        title=title.strip(),
        description=description.strip(),
        category=category,
        citywide=citywide,
        value=value,
        starts_on=starts_on,
        ends_on=ends_on,
        extension_options=extension_options.strip(),
        created_by=by,
    )
    contract.wards.set(wards)
    rows = [
        ContractSupplier(
            contract=contract, organisation=lead, role=SupplierRole.LEAD, joined_on=starts_on
        )
    ]
    rows += [
        ContractSupplier(
            contract=contract, organisation=org, role=SupplierRole.PARTNER, joined_on=starts_on
        )
        for org in {o.pk: o for o in partners if o.pk != lead.pk}.values()
    ]
    ContractSupplier.objects.bulk_create(rows)
    ocds.record_signed(contract)
    return contract


def _refuse_pledge(*, measure, quantity, unit, citywide, wards):
    errors = {}
    if not measure.strip():
        errors["measure"] = _("Enter what will be done")
    if quantity is None or quantity <= 0:
        errors["quantity"] = _("How many must be more than 0")
    if not unit.strip():
        errors["unit"] = _("Enter the unit, like people or hours")
    if not citywide and not wards:
        errors["wards"] = _("Choose the wards it benefits, or the whole city")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_pledge(*, contract, by, measure, quantity, unit, citywide=False, wards=(), today=None):
    """Add a social value pledge to ``contract`` (a grant or agreement recorded directly
    has none from a bid). Only the publisher's commissioners (``PermissionError``); not
    on a contract that has ended; what, how many (more than 0), the unit and where (the
    whole city or some wards) are all needed (``ValidationError``)."""
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    require_commissioner(contract.publisher, by)
    today = today or timezone.localdate()
    if contract.last_day < today:
        raise ValidationError(_("The contract has ended: no pledge can be added to it"))
    wards = list(wards)
    _refuse_pledge(measure=measure, quantity=quantity, unit=unit, citywide=citywide, wards=wards)
    pledge = Pledge.objects.create(
        contract=contract,
        measure=measure.strip(),
        quantity=quantity,
        unit=unit.strip(),
        citywide=citywide,
    )
    pledge.wards.set([] if citywide else wards)
    return pledge


@transaction.atomic
def remove_pledge(*, pledge, by):
    """Remove a pledge no supplier has reported against yet. Only the publisher's
    commissioners (``PermissionError``). A pledge with returns, or one the winning bid
    made (the promise the contract was awarded on), stays (``ValidationError``)."""
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    contract = pledge.contract
    require_commissioner(contract.publisher, by)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.commitment_id is not None:
        raise ValidationError(_("This pledge was made in the winning bid: it cannot be removed"))
    if pledge.returns.exists():
        raise ValidationError(_("Delivery has been reported against this pledge: it stays"))
    pledge.delete()
