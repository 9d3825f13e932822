"""The emails about contracts: return reminders and ratings, to the suppliers' members."""

from django.urls import reverse

from accounts.emails import absolute_url
from commissioning import periods as reporting
from commissioning.queries.contracts import supplier_emails
from portal.mail import send_each


def _performance_url(contract):
    return absolute_url(reverse("commissioning:contract_performance", args=[contract.reference]))


def send_return_reminder(reminder):
    """Remind the suppliers' members of a KPI return due soon, or overdue."""
    kpi = reminder.kpi
    contract = kpi.contract
    period = reporting.period_starting(
        contract.starts_on, contract.last_day, kpi.frequency, reminder.period_start
    )
    due = period.due_on(kpi.days_to_report)
    before = reminder.when == reminder.When.BEFORE
    subject = (
        f"KPI return due by {due:%-d %B %Y}: {contract.title}"
        if before
        else f"KPI return overdue: {contract.title}"
    )
    send_each(
        subject,
        "commissioning/email/return_reminder.txt",
        {
            "contract": contract,
            "kpi": kpi,
            "period": period,
            "due": due,
            "before": before,
            "url": absolute_url(reverse("commissioning:submit_returns", args=[contract.reference])),
        },
        supplier_emails(contract),
    )


def send_rating(rating):
    """Tell the suppliers' members the commissioner's rating of a period, with its comment."""
    contract = rating.contract
    send_each(
        f"Performance rating for {contract.title}: {rating.get_rating_display()}",
        "commissioning/email/rating.txt",
        {"contract": contract, "rating": rating, "url": _performance_url(contract)},
        supplier_emails(contract),
    )
