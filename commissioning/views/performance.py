"""Contract performance pages: the history of returns and ratings, adding a KPI, the
suppliers' returns and the commissioner's rating.

Seen only by the publisher's commissioners and the members of the contract's
suppliers (404 for anyone else, ``commissioning.queries.contracts.can_see_performance``).
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commissioning import periods as reporting
from commissioning.actions import performance as actions
from commissioning.forms.performance import KpiForm, RatingForm
from commissioning.models import KpiReturn, PerformanceRating
from commissioning.queries.contracts import can_manage, can_see_performance, is_supplier_member
from commissioning.views.contracts import contract_or_404
from portal.forms import add_errors

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
# The returns form offers at most this many recent periods of each KPI.
PERIODS_OFFERED = 4
FIELD = re.compile(r"^value-(\d+)-(\d{4}-\d{2}-\d{2})$")


def _contract_for(request, reference, allowed):
    contract = contract_or_404(reference)
    if not allowed(request.user, contract):
        raise Http404
    return contract


@dataclass
class KpiHistory:
    kpi: object
    rows: list  # (period, return or None, due date, met target or None)


def _met(kpi, value):
    return value >= kpi.target if kpi.higher_is_better else value <= kpi.target


def _history(contract, today):
    kpis = list(contract.kpis.all())
    returns = {
        (r.kpi_id, r.period_start): r
        for r in KpiReturn.objects.filter(kpi__in=kpis).prefetch_related("corrections")
    }
    histories = []
    for kpi in kpis:
        rows = []
        for period in reporting.kpi_periods(kpi, contract):
            if not period.has_started(today):
                break
            found = returns.get((kpi.pk, period.start))
            met = _met(kpi, found.value) if found else None
            rows.append((period, found, period.due_on(kpi.days_to_report), met))
        histories.append(KpiHistory(kpi, rows))
    return histories


@login_required
@require_http_methods(["GET", "HEAD"])
def performance(request, reference):
    """The contract's returns against targets, KPI by KPI, and its ratings over time."""
    contract = _contract_for(request, reference, can_see_performance)
    today = timezone.localdate()
    return render(
        request,
        "commissioning/contracts/performance.html",
        {
            "contract": contract,
            "histories": _history(contract, today),
            "ratings": PerformanceRating.objects.filter(contract=contract).order_by(
                "-period_start"
            ),
            "can_manage": can_manage(request.user, contract),
            "is_supplier": is_supplier_member(request.user, contract),
            "today": today,
        },
    )


@login_required
@GET_POST
def add_kpi(request, reference):
    """A commissioner adds a KPI to the contract."""
    contract = _contract_for(request, reference, can_manage)
    form = KpiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_kpi(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The KPI is added"))
            return redirect("commissioning:contract_performance", contract.reference)
    return render(
        request,
        "commissioning/contracts/performance_form.html",
        {"form": form, "heading": _("Add a KPI"), "contract": contract},
    )


@dataclass
class ReturnLine:
    """One row of the returns form: a KPI's period, its figure as typed, any error."""

    kpi: object
    period: object
    due: datetime.date
    existing: object
    value: str = ""
    commentary: str = ""
    error: str = ""

    @property
    def key(self):
        return f"{self.kpi.pk}-{self.period.start.isoformat()}"


def _open_lines(contract, today):
    """The KPIs' started periods not yet rated, the most recent few of each."""
    rated = list(PerformanceRating.objects.filter(contract=contract))
    returns = {
        (r.kpi_id, r.period_start): r for r in KpiReturn.objects.filter(kpi__contract=contract)
    }
    lines = []
    for kpi in contract.kpis.all():
        started = [
            p
            for p in reporting.kpi_periods(kpi, contract)
            if p.has_started(today)
            and not any(r.period_start <= p.start <= r.period_end for r in rated)
        ]
        for period in started[-PERIODS_OFFERED:]:
            existing = returns.get((kpi.pk, period.start))
            lines.append(
                ReturnLine(
                    kpi=kpi,
                    period=period,
                    due=period.due_on(kpi.days_to_report),
                    existing=existing,
                    value=f"{existing.value.normalize():f}" if existing else "",
                    commentary=existing.commentary if existing else "",
                )
            )
    return lines


def _posted_rows(request, contract):
    """``(line key, ReturnRow)`` for every figure typed, in the order posted."""
    kpis = {kpi.pk: kpi for kpi in contract.kpis.all()}
    rows = []
    for name, value in request.POST.items():
        match = FIELD.match(name)
        if not match or not value.strip():
            continue
        kpi = kpis.get(int(match[1]))
        try:
            start = datetime.date.fromisoformat(match[2])
        except ValueError:
            continue
        if kpi is None:
            continue
        key = f"{match[1]}-{match[2]}"
        commentary = request.POST.get(f"commentary-{key}", "")
        rows.append((key, actions.ReturnRow(kpi, start, value, commentary)))
    return rows


@login_required
@GET_POST
def submit_returns(request, reference):
    """Supplier members enter this period's figures (and overdue ones) in one form; each
    row is saved or refused on its own."""
    contract = _contract_for(request, reference, is_supplier_member)
    today = timezone.localdate()
    lines = _open_lines(contract, today)
    errors = []
    if request.method == "POST":
        posted = _posted_rows(request, contract)
        _saved, refused = actions.submit_returns(
            contract=contract, rows=[row for _key, row in posted], by=request.user
        )
        if not refused:
            messages.success(request, _("Your returns are saved"))
            return redirect("commissioning:contract_performance", contract.reference)
        # Saved rows show their new figures; refused ones what was typed, with why.
        lines = _open_lines(contract, today)
        by_key = {line.key: line for line in lines}
        for index, (key, row) in enumerate(posted):
            line = by_key.get(key)
            if index in refused:
                if line is None:
                    errors.append((None, f"{row.kpi.name}, {row.period_start}: {refused[index]}"))
                    continue
                line.error = refused[index]
                line.value, line.commentary = row.value, row.commentary
                errors.append((line, refused[index]))
    return render(
        request,
        "commissioning/contracts/returns.html",
        {"contract": contract, "lines": lines, "errors": errors, "today": today},
    )


@login_required
@GET_POST
def rate(request, reference):
    """A commissioner rates a period that has ended, with a comment the supplier sees."""
    contract = _contract_for(request, reference, can_manage)
    today = timezone.localdate()
    rated = set(
        PerformanceRating.objects.filter(contract=contract).values_list("period_start", flat=True)
    )
    periods = [
        p for p in actions.rating_periods(contract) if p.end < today and p.start not in rated
    ]
    if not periods:
        return render(
            request, "commissioning/contracts/nothing_to_rate.html", {"contract": contract}
        )
    form = RatingForm(request.POST or None, periods=periods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.rate_period(
                contract=contract,
                by=request.user,
                period_start=datetime.date.fromisoformat(data["period"]),
                rating=data["rating"],
                comment=data["comment"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The rating is saved and the supplier is told"))
            return redirect("commissioning:contract_performance", contract.reference)
    return render(
        request,
        "commissioning/contracts/performance_form.html",
        {"form": form, "heading": _("Rate the contract's performance"), "contract": contract},
    )
