"""Thin Celery tasks: each takes ids, loads and sends. Enqueued after commit by the actions."""

from celery import shared_task

from tenders import emails
from tenders.models import BidPartner, BidVersion, EvaluationReport


@shared_task
def send_receipt(version_id):
    """Email the receipt of a submitted bid version to the lead organisation's members."""
    version = BidVersion.objects.select_related("bid__tender__opportunity", "bid__organisation")
    version = version.filter(pk=version_id).first()
    if version is not None:
        emails.send_receipt(version)


@shared_task
def ask_partner_to_confirm(partner_id):
    """Ask a registered partner's administrators to confirm joining a consortium bid."""
    partner = _partner(partner_id)
    if partner is not None and partner.is_waiting:
        emails.send_partner_request(partner)


@shared_task
def tell_lead_of_partner_answer(partner_id):
    """Tell the lead organisation's members that a partner confirmed or declined."""
    partner = _partner(partner_id)
    if partner is not None and not partner.is_waiting:
        emails.send_partner_answer(partner)


@shared_task
def tell_bidders_of_method_change(amendment_id):
    """Email every organisation with a bid, draft or submitted, that the method changed."""
    from opportunities.models import Amendment

    amendment = Amendment.objects.select_related("opportunity").filter(pk=amendment_id).first()
    if amendment is not None:
        emails.send_method_change(amendment)


@shared_task
def send_evaluation_updates():
    """Daily: the fortnightly evaluation update to every bidder of a tender in evaluation,
    once per period. Idempotent: a rerun sends nothing already sent."""
    from tenders.actions.progress import send_evaluation_updates

    send_evaluation_updates()


@shared_task
def tell_commissioner_of_consortium_change(change_id):
    """Email the opportunity's contact that a winning bidder asks to change its consortium."""
    change = _consortium_change(change_id)
    if change is not None and change.is_pending:
        emails.send_consortium_change_asked(change)


@shared_task
def tell_bidders_of_consortium_decision(change_id):
    """Email the lead's members the decision on their consortium change (and, when a
    registered organisation joined, its administrators)."""
    change = _consortium_change(change_id)
    if change is not None and not change.is_pending:
        emails.send_consortium_change_decided(change)


def _consortium_change(change_id):
    from tenders.models import ConsortiumChange

    return (
        ConsortiumChange.objects.select_related(
            "bid__tender__opportunity", "bid__organisation", "partner__organisation", "organisation"
        )
        .filter(pk=change_id)
        .first()
    )


def _partner(partner_id):
    return (
        BidPartner.objects.select_related(
            "bid__tender__opportunity", "bid__organisation", "organisation"
        )
        .filter(pk=partner_id)
        .first()
    )


@shared_task
def send_assessment_summaries(decision_id=None):
    """Email the assessment summaries not yet sent: one decision's when the notice of
    intention is sent, or every decision's (periodic, to retry the ones that failed)."""
    from tenders import actions

    actions.send_assessment_summaries(decision_id=decision_id)


@shared_task
def tell_bidders_of_withdrawal(decision_id):
    """Email the organisations assessed for a lot that its award decision was withdrawn."""
    from tenders.models import AwardDecision

    decision = (
        AwardDecision.objects.select_related("tender__opportunity", "lot")
        .filter(pk=decision_id, withdrawn_at__isnull=False)
        .first()
    )
    if decision is not None:
        emails.send_decision_withdrawn(decision)


# Its own limits (see EvaluationReport): one still going after this long will not finish.
@shared_task(
    soft_time_limit=EvaluationReport.RENDER_SOFT_TIME_LIMIT,
    time_limit=EvaluationReport.RENDER_TIME_LIMIT,
)
def make_evaluation_report(report_id, version):
    """Render the evaluation report ``report_id`` asked for as ``version`` and store it."""
    from tenders import pdf

    pdf.render_requested(report_id, version)
