"""Decommissioning: planning to end, not renew or substantially change a contract,
giving notice, and telling the affected organisations and their councillors.

A plan is only the publisher's until notice is given (``give_notice``); from then
the three months run, the plan is public and can no longer change, and each
affected organisation and councillor gets one email (``send_notices``, queued
after commit and retried every 30 minutes for any that failed).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commissioning import ocds, spend, tasks
from commissioning.decommissioning import (
    affected_organisations,
    councillors_to_tell,
    earliest_with_full_notice,
    is_short_notice,
)
from commissioning.models import Contract, Decommissioning, DecommissioningKind
from commissioning.models.decommissioning import DecommissioningNotice
from commissioning.notices import send_decommissioning_notice
from opportunities.actions import require_commissioner
from portal import batch
from portal.formats import date_in_words

TEXT_FIELDS = ("reasons", "impact_assessment", "support", "short_notice_reason")
REQUIRED = {
    "reasons": gettext_lazy("Enter the reasons for the decision"),
    "impact_assessment": gettext_lazy("Enter the impact assessment"),
    "support": gettext_lazy("Say where the people affected can get support"),
}


def check_plan(*, contract, kind, takes_effect_on, short_notice_reason, notice_day):
    """The errors, by field, of a plan whose notice would be given on ``notice_day``.

    Not renewing takes effect when the contract ends; ending early must fall before
    that end; no change may take effect before ``notice_day``. Less than the
    Compact's notice needs a reason; without one the earliest date allowed is named.
    """
    errors = {}
    if contract.last_day < notice_day:
        errors["kind"] = _("The contract has already ended: there is nothing to decommission")
        return errors
    if contract.ended_on is not None:
        errors["kind"] = _(
            "Notice has been given to end the contract on %(ended)s: plan nothing more for it"
        ) % {"ended": date_in_words(contract.ended_on)}
        return errors
    not_renewed = Decommissioning.objects.filter(
        contract=contract, kind=DecommissioningKind.NOT_RENEW, notice_given_at__isnull=False
    )
    if kind == DecommissioningKind.NOT_RENEW and not_renewed.exists():
        errors["kind"] = _("Notice has already been given that the contract will not be renewed")
        return errors
    if kind not in DecommissioningKind.values:
        errors["kind"] = _("Choose what will happen to the contract")
        return errors
    if takes_effect_on is None:
        errors["takes_effect_on"] = _("Enter the date the change takes effect")
        return errors
    ends = date_in_words(contract.ends_on)
    if takes_effect_on < notice_day:
        errors["takes_effect_on"] = _(
            "The date it takes effect must be today or later; notice cannot be given for the past"
        )
    elif kind == DecommissioningKind.NOT_RENEW and takes_effect_on != contract.ends_on:
        errors["takes_effect_on"] = _(
            "Not renewing takes effect when the contract ends, on %(ends)s. To stop it "
            "sooner, choose to end it early"
        ) % {"ends": ends}
    elif kind == DecommissioningKind.END and takes_effect_on >= contract.ends_on:
        errors["takes_effect_on"] = _(
            "Ending early must take effect before the contract ends on %(ends)s. To let it "
            "run to its end, choose not to renew it"
        ) % {"ends": ends}
    elif kind == DecommissioningKind.CHANGE and takes_effect_on > contract.ends_on:
        errors["takes_effect_on"] = _(
            "A change must take effect by the end of the contract, %(ends)s"
        ) % {"ends": ends}
    elif is_short_notice(notice_day, takes_effect_on) and not short_notice_reason:
        errors["short_notice_reason"] = _(
            "The Compact asks for at least three months' notice: the earliest date with full "
            "notice given on %(day)s is %(earliest)s. Choose that date or later, or record why "
            "the notice must be shorter"
        ) % {
            "day": date_in_words(notice_day),
            "earliest": date_in_words(earliest_with_full_notice(notice_day)),
        }
    return errors


def _cleaned(values, *, contract, today):
    """Stripped text; not renewing defaults to the contract's end date. Raises on errors."""
    values = dict(values)
    for name in TEXT_FIELDS:
        values[name] = (values.get(name) or "").strip()
    if values.get("takes_effect_on") is None and values["kind"] == DecommissioningKind.NOT_RENEW:
        values["takes_effect_on"] = contract.ends_on
    errors = {name: message for name, message in REQUIRED.items() if not values[name]}
    errors.update(
        check_plan(
            contract=contract,
            kind=values["kind"],
            takes_effect_on=values["takes_effect_on"],
            short_notice_reason=values["short_notice_reason"],
            notice_day=today,
        )
    )
    if errors:
        raise ValidationError(errors)
    return values


def _others(contract, organisations):
    suppliers = set(contract.suppliers.values_list("organisation", flat=True))
    return [organisation for organisation in organisations if organisation.pk not in suppliers]


@transaction.atomic
def plan_decommissioning(
    *,
    contract,
    by,
    kind,
    reasons,
    impact_assessment,
    support,
    takes_effect_on=None,
    short_notice_reason="",
    affected_organisations=(),
    now=None,
):
    """Record a plan to end, not renew or change ``contract``; its publisher's commissioners
    only. The rule is checked as if notice were given today (and again when it is)."""
    require_commissioner(contract.publisher, by)
    today = timezone.localdate(now or timezone.now())
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    values = _cleaned(
        {
            "kind": kind,
            "reasons": reasons,
            "impact_assessment": impact_assessment,
            "support": support,
            "takes_effect_on": takes_effect_on,
            "short_notice_reason": short_notice_reason,
        },
        contract=contract,
        today=today,
    )
    decommissioning = Decommissioning.objects.create(contract=contract, created_by=by, **values)
    decommissioning.affected_organisations.set(_others(contract, affected_organisations))
    return decommissioning


@transaction.atomic
def change_plan(*, decommissioning, by, affected_organisations=(), now=None, **values):
    """Change a plan before its notice is given; the same checks as ``plan_decommissioning``."""
    require_commissioner(decommissioning.contract.publisher, by)
    decommissioning = Decommissioning.objects.select_for_update().get(pk=decommissioning.pk)
    if decommissioning.notice_given_at is not None:
        raise ValidationError(_("Notice has been given: the plan can no longer change"))
    today = timezone.localdate(now or timezone.now())
    values = _cleaned(values, contract=decommissioning.contract, today=today)
    for name, value in values.items():
        setattr(decommissioning, name, value)
    decommissioning.save(update_fields=list(values))
    decommissioning.affected_organisations.set(
        _others(decommissioning.contract, affected_organisations)
    )
    return decommissioning


@transaction.atomic
def give_notice(*, decommissioning, by, now=None, notify=True):
    """Give notice: the three months run from now, so the rule is checked again today.

    Records who gave it and when, makes one ``DecommissioningNotice`` for each affected
    organisation and councillor, and emails them after commit (with ``notify=False``,
    for the demo, they are marked sent and nobody is emailed). Ending early sets the
    contract's ``ended_on`` to the day it takes effect. Notice is given once.
    """
    transaction.on_commit(spend.forget_figures)  # the spend page's figures change
    require_commissioner(decommissioning.contract.publisher, by)
    now = now or timezone.now()
    decommissioning = (
        Decommissioning.objects.select_for_update()
        .select_related("contract")
        .get(pk=decommissioning.pk)
    )
    if decommissioning.notice_given_at is not None:
        raise ValidationError(_("Notice has already been given"))
    contract = Contract.objects.select_for_update().get(pk=decommissioning.contract_id)
    errors = check_plan(
        contract=contract,
        kind=decommissioning.kind,
        takes_effect_on=decommissioning.takes_effect_on,
        short_notice_reason=decommissioning.short_notice_reason,
        notice_day=timezone.localdate(now),
    )
    if errors:
        raise ValidationError(
            [
                _("The plan needs changing before notice is given: %(why)s") % {"why": why}
                for why in errors.values()
            ]
        )
    decommissioning.notice_given_at, decommissioning.notice_given_by = now, by
    decommissioning.save(update_fields=["notice_given_at", "notice_given_by"])
    if decommissioning.kind == DecommissioningKind.END:
        contract.ended_on = decommissioning.takes_effect_on
        contract.save(update_fields=["ended_on"])
    decommissioning.contract = contract
    ocds.record_decommissioning(decommissioning)
    DecommissioningNotice.objects.bulk_create(
        [
            DecommissioningNotice(decommissioning=decommissioning, organisation=organisation)
            for organisation in affected_organisations(decommissioning)
        ]
        + [
            DecommissioningNotice(decommissioning=decommissioning, councillor=councillor)
            for councillor in councillors_to_tell(decommissioning)
        ],
        ignore_conflicts=True,
    )
    if notify:
        tasks.send_decommissioning_notices.delay_on_commit(decommissioning.pk)
    else:
        decommissioning.notices.update(sent_at=now)
    return decommissioning


def send_notices(*, decommissioning_id=None):
    """Email every notice not yet sent (of one decommissioning, if given); return how many.

    Each is claimed (``select_for_update``, ``skip_locked``) and marked sent in the
    transaction that sends it, so none goes twice; one that fails is recorded on its
    row (``portal.batch``) and tried again by the next run, and the others still go.
    """
    waiting = DecommissioningNotice.objects.filter(
        sent_at__isnull=True, decommissioning__notice_given_at__isnull=False
    )
    if decommissioning_id is not None:
        waiting = waiting.filter(decommissioning_id=decommissioning_id)
    return batch.each_in_its_own_transaction(
        DecommissioningNotice,
        waiting.order_by("pk").values_list("pk", flat=True),
        _send_notice,
        job="decommissioning notices",
    )


def _send_notice(notice_id):
    notice = (
        DecommissioningNotice.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=notice_id, sent_at__isnull=True)
        .select_related("decommissioning__contract__publisher", "organisation", "councillor")
        .first()
    )
    if notice is None:
        return False
    send_decommissioning_notice(notice)
    batch.done(notice, sent_at=timezone.now())
    return True
