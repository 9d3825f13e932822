"""Contract performance: KPIs, the suppliers' returns, reminders and the commissioner's
ratings.

The publisher's commissioners add KPIs and rate each period; the members of
the contract's suppliers submit returns. A return is refused for a period that
has not started; a late one is accepted and marked late. A return can be
corrected until its period is rated (the old figure is kept in
``KpiReturnCorrection``); after that the rating stands on the figures it read.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning import ocds
from commissioning import periods as reporting
from commissioning.models import (
    Contract,
    Frequency,
    Kpi,
    KpiReturn,
    KpiReturnCorrection,
    PerformanceRating,
    Rating,
    ReturnReminder,
)
from commissioning.models.performance import MONTHS_IN_PERIOD
from commissioning.queries.contracts import can_manage, is_supplier_member
from opportunities.actions import require_commissioner
from portal.batch import done, each_in_its_own_transaction

# A reminder goes this many days before a return is due.
REMIND_BEFORE_DAYS = 7
# Overdue returns are chased once if they fell due within this many days, so a
# reminder job started on an old contract does not send years of reminders.
CHASE_WITHIN_DAYS = 60
MAX_VALUE = Decimal("9999999999.99")


@transaction.atomic
def add_kpi(
    *, contract, by, name, target, unit, higher_is_better=True, frequency, days_to_report=20
):
    """Add a KPI to ``contract``. The publisher's commissioners only."""
    require_commissioner(contract.publisher, by)
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the indicator")
    if not unit.strip():
        errors["unit"] = _("Enter the unit, like people or %")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often it is reported")
    if errors:
        raise ValidationError(errors)
    return Kpi.objects.create(
        contract=contract,
        name=name.strip(),
        target=target,
        unit=unit.strip(),
        higher_is_better=higher_is_better,
        frequency=frequency,
        days_to_report=days_to_report,
    )


def rating_periods(contract, kpis=None):
    """The periods a contract is rated for: those of its most frequently reported KPI
    (quarters when it has none)."""
    kpis = list(contract.kpis.all()) if kpis is None else kpis
    frequency = min(
        (kpi.frequency for kpi in kpis),
        key=lambda f: MONTHS_IN_PERIOD[f],
        default=Frequency.QUARTERLY,
    )
    return reporting.periods(contract.starts_on, contract.last_day, frequency)


def is_rated(contract, day):
    """True when a rating covers ``day``: its returns can no longer be corrected."""
    return PerformanceRating.objects.filter(
        contract=contract, period_start__lte=day, period_end__gte=day
    ).exists()


@dataclass
class ReturnRow:
    """One figure typed for one KPI and period; ``value`` as typed."""

    kpi: Kpi
    period_start: datetime.date
    value: str
    commentary: str = ""


def parse_figure(text):
    """The figure typed, as a Decimal; ``ValidationError`` with what to type otherwise."""
    cleaned = (text or "").replace(",", "").replace("%", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter the figure as a number, like 85 or 12.5")) from None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationError(_("Enter the figure as a number, like 85 or 12.5"))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Enter the figure to at most two decimal places"))
    return value


@transaction.atomic
def submit_return(*, row, by, now=None):
    """Save one return (or correct it); ``ValidationError`` with the reason if refused."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    kpi, contract = row.kpi, row.kpi.contract
    if not is_supplier_member(by, contract):
        raise PermissionError("Only the contract's suppliers submit returns.")
    period = reporting.period_starting(
        contract.starts_on, contract.last_day, kpi.frequency, row.period_start
    )
    if period is None:
        raise ValidationError(_("That is not one of this indicator's reporting periods"))
    if not period.has_started(today):
        raise ValidationError(
            _("The period starting %(start)s has not started yet")
            % {"start": period.start.strftime("%-d %B %Y")}
        )
    value = parse_figure(row.value)
    commentary = (row.commentary or "").strip()
    existing = KpiReturn.objects.select_for_update().filter(kpi=kpi, period_start=period.start)
    existing = existing.first()
    if existing is not None:
        if is_rated(contract, period.start):
            raise ValidationError(
                _("This period has been rated, so its return can no longer be corrected")
            )
        if existing.value == value and existing.commentary == commentary:
            return existing
        KpiReturnCorrection.objects.create(
            kpi_return=existing,
            old_value=existing.value,
            old_commentary=existing.commentary,
            corrected_at=now,
            corrected_by=by,
        )
        existing.value, existing.commentary = value, commentary
        existing.save(update_fields=["value", "commentary"])
        return existing
    return KpiReturn.objects.create(
        kpi=kpi,
        period_start=period.start,
        value=value,
        commentary=commentary,
        submitted_at=now,
        submitted_by=by,
        late=today > period.due_on(kpi.days_to_report),
    )


def submit_returns(*, contract, rows, by, now=None):
    """Save each of ``rows`` (``ReturnRow``) on its own: a refused row is reported and
    the others are saved. Returns ``(saved returns, {row index: message})``."""
    if not is_supplier_member(by, contract):
        raise PermissionError("Only the contract's suppliers submit returns.")
    saved, errors = [], {}
    for index, row in enumerate(rows):
        if row.kpi.contract_id != contract.pk:
            errors[index] = _("That indicator is not one of this contract's")
            continue
        try:
            with transaction.atomic():
                saved.append(submit_return(row=row, by=by, now=now))
        except ValidationError as error:
            errors[index] = " ".join(error.messages)
    return saved, errors


@transaction.atomic
def rate_period(*, contract, by, period_start, rating, comment, now=None, notify=True):
    """Rate ``contract`` for the rating period starting ``period_start``, once it has
    ended, with a comment for the supplier, whose members are emailed (after commit;
    not with ``notify=False``). Each period is rated once."""
    now = now or timezone.now()
    require_commissioner(contract.publisher, by)
    errors = {}
    period = next((p for p in rating_periods(contract) if p.start == period_start), None)
    if period is None:
        errors["period"] = _("Choose a period from the list")
    elif period.end >= timezone.localdate(now):
        errors["period"] = _("A period can be rated once it has ended")
    elif PerformanceRating.objects.filter(contract=contract, period_start=period.start).exists():
        errors["period"] = _("This period has already been rated")
    if rating not in Rating.values:
        errors["rating"] = _("Choose a rating")
    if not (comment or "").strip():
        errors["comment"] = _("Write a comment for the supplier: what went well, what must improve")
    if errors:
        raise ValidationError(errors)
    created = PerformanceRating.objects.create(
        contract=contract,
        period_start=period.start,
        period_end=period.end,
        rating=rating,
        comment=comment.strip(),
        rated_at=now,
        rated_by=by,
    )
    ocds.record_rating(created)
    if notify:
        from commissioning import tasks

        tasks.send_rating.delay_on_commit(created.pk)
    return created


def may_rate(user, contract):
    return can_manage(user, contract)


# Reminders ------------------------------------------------------------------------------


def _reminders_due(today):
    """``ReturnReminder`` rows (unsaved) that ``today`` calls for and that may not exist."""
    wanted = []
    contracts = Contract.objects.filter(
        starts_on__lte=today,
        ends_on__gte=today - datetime.timedelta(days=CHASE_WITHIN_DAYS + 400),
    ).prefetch_related("kpis")
    for contract in contracts:
        kpis = list(contract.kpis.all())
        if not kpis:
            continue
        returned = set(KpiReturn.objects.filter(kpi__in=kpis).values_list("kpi_id", "period_start"))
        for kpi in kpis:
            for period in reporting.kpi_periods(kpi, contract):
                if (kpi.pk, period.start) in returned:
                    continue
                due = period.due_on(kpi.days_to_report)
                if due - datetime.timedelta(days=REMIND_BEFORE_DAYS) <= today <= due:
                    when = ReturnReminder.When.BEFORE
                elif due < today <= due + datetime.timedelta(days=CHASE_WITHIN_DAYS):
                    when = ReturnReminder.When.AFTER
                else:
                    continue
                wanted.append(ReturnReminder(kpi=kpi, period_start=period.start, when=when))
    return wanted


def send_return_reminders(*, today=None):
    """Remind the suppliers' members of each KPI return due within a week, and once more
    after its due date if it is still missing: once each (``ReturnReminder``), each in
    its own transaction (one failing email is recorded on its row; the rest go on).
    Idempotent. Returns how many reminders were sent."""
    from commissioning import contract_emails as emails

    today = today or timezone.localdate()
    ReturnReminder.objects.bulk_create(_reminders_due(today), ignore_conflicts=True)
    unsent = ReturnReminder.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)

    def handle(pk):
        reminder = (
            ReturnReminder.objects.select_for_update(skip_locked=True)
            .select_related("kpi__contract")
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return False
        missing = not KpiReturn.objects.filter(
            kpi=reminder.kpi, period_start=reminder.period_start
        ).exists()
        if missing:
            emails.send_return_reminder(reminder)
        # A return that came in meanwhile needs no reminder: the row is closed unsent.
        done(reminder, sent_at=timezone.now())
        return missing

    return each_in_its_own_transaction(ReturnReminder, unsent, handle, job="return reminders")
