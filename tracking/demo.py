"""Demo scrutiny tracking: a real inquiry tracked twice, and a fictional one in progress.

The real one is Birmingham City Council's inquiry "Council Commissioning and
Third Sector Organisations" (approved 14 April 2015): its recommendations word
for word from the report (seed 000), and its progress as the Cabinet Member
reported it in September 2016 (seed 001). The fictional one, dated from today,
shows every path: recommendations concluded at 1 and 4, others carried over at
3, 5 and 6, and a round whose deadline has just passed with one assessment
missing.

Everything is written through ``tracking.actions``, which stamp the moment they
run; the historical moments (when an inquiry was recorded, a round opened, an
assessment was submitted, the committee decided) are then set with
``update()`` to plausible dates. No email goes: every round here is opened
after its deadline, and opening such a round tells nobody. Running ``seed``
twice changes nothing: inquiries are matched by slug, recommendations by
reference, rounds by number, and what is already submitted or decided is left
alone.
"""

from django.utils import timezone

from tracking import actions
from tracking.demo_data import BIRMINGHAM, community_transport
from tracking.models import Assessment, EvidenceUpdate, Inquiry, TrackingRound


def seed(*, officer, responsible):
    """Create both demo inquiries, recorded by ``officer`` (a scrutiny officer, who also
    hears about late submissions) with ``responsible`` answering for every
    recommendation; returns the inquiries."""
    return [
        _seed_inquiry(BIRMINGHAM, officer=officer, responsible=responsible),
        _seed_inquiry(
            community_transport(timezone.localdate()), officer=officer, responsible=responsible
        ),
    ]


def _seed_inquiry(spec, *, officer, responsible):
    inquiry = Inquiry.objects.filter(slug=spec["inquiry"]["slug"]).first()
    if inquiry is None:
        inquiry = actions.create_inquiry(by=officer, officer=officer, **spec["inquiry"])
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=spec["created_at"])
    existing = set(inquiry.recommendations.values_list("reference", flat=True))
    for reference, text, responsibility, targets in spec["recommendations"]:
        if reference not in existing:
            actions.save_recommendation(
                inquiry=inquiry,
                by=officer,
                reference=reference,
                text=text,
                responsibility=responsibility,
                responsible_people=[responsible],
                target_dates=targets,
            )
    for number, round_spec in enumerate(spec["rounds"], start=1):
        _seed_round(inquiry, number, round_spec, officer=officer, responsible=responsible)
    return inquiry


def _seed_round(inquiry, number, spec, *, officer, responsible):
    tracking_round = inquiry.rounds.filter(number=number).first()
    if tracking_round is None:
        tracking_round = actions.open_round(
            inquiry=inquiry,
            by=officer,
            committee_name=spec["committee_name"],
            meeting_on=spec["meeting_on"],
            submission_deadline=spec["submission_deadline"],
            report_of=spec["report_of"],
        )
        TrackingRound.objects.filter(pk=tracking_round.pk).update(opened_at=spec["opened_at"])
    assessments = {
        assessment.recommendation.reference: assessment
        for assessment in tracking_round.assessments.select_related("recommendation")
    }
    for reference, submission in spec["submissions"].items():
        assessment = assessments[reference]
        if assessment.is_submitted:
            continue
        actions.submit_assessment(assessment=assessment, by=responsible, **submission)
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=spec["submitted_at"])
        EvidenceUpdate.objects.filter(assessment=assessment).update(added_at=spec["submitted_at"])
    for reference, decision in spec.get("decisions", {}).items():
        assessment = assessments[reference]
        if assessment.is_decided:
            continue
        actions.record_decision(assessment=assessment, by=officer, **decision)
        Assessment.objects.filter(pk=assessment.pk).update(decided_at=spec["decided_at"])
