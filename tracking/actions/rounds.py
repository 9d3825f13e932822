"""Tracking rounds: a scrutiny officer opens, the executive answers, the committee decides."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal.authorization import Permission, has_permission
from portal.formats import LONDON, date_in_words
from portal.markdown import for_storage
from tracking import queries, rules
from tracking.actions.inquiries import committee_named, require_scrutiny_officer
from tracking.actions.text import check_lengths
from tracking.models import Assessment, EvidenceUpdate, TrackingRound

# The committee tracks again six months after a meeting unless it says otherwise.
MONTHS_BETWEEN_ROUNDS = 6
# Assessments are due this many days before the meeting, at 5pm, so papers can go out.
DAYS_BEFORE_MEETING = 21


def add_months(day, months):
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_deadline(meeting_on):
    """5pm UK time ``DAYS_BEFORE_MEETING`` days before the meeting."""
    day = meeting_on - datetime.timedelta(days=DAYS_BEFORE_MEETING)
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=LONDON)


def proposed_next_round(inquiry):
    """Suggested values for the next round, or ``None`` when every recommendation is concluded.

    After a round, the same committee and presenter six months on; a first round
    goes to the inquiry's own committee.
    """
    if not inquiry.recommendations.unconcluded().exists():
        return None
    last = inquiry.rounds.order_by("-number").first()
    if last is None:
        return {"committee_name": inquiry.committee.name}
    meeting_on = add_months(last.meeting_on, MONTHS_BETWEEN_ROUNDS)
    return {
        "committee_name": last.committee.name,
        "report_of": last.report_of,
        "meeting_on": meeting_on,
        "submission_deadline": default_deadline(meeting_on),
    }


@transaction.atomic
def open_round(*, inquiry, by, committee_name, meeting_on, submission_deadline, report_of):
    """Open the next round with every recommendation not yet concluded, and tell who answers.

    Refused with ``queries.next_round_refusal``'s message whenever it gives one (the
    last round's decisions not all recorded, no recommendations, or none left to
    track), when the deadline is not before the meeting day, or when the meeting
    is not after the previous round's.
    """
    require_scrutiny_officer(by)
    # The lock makes two officers opening a round at once take turns, so the
    # second sees the first's round and is refused.
    inquiry = type(inquiry).objects.select_for_update().get(pk=inquiry.pk)
    refusal = queries.next_round_refusal(inquiry)
    if refusal is not None:
        raise ValidationError(refusal.message, code="round_cannot_open")
    recommendations = list(inquiry.recommendations.unconcluded())
    errors = {}
    last = inquiry.rounds.order_by("-number").first()
    if last is not None and meeting_on <= last.meeting_on:
        errors["meeting_on"] = _("The meeting must be after the last round's, on %(date)s") % {
            "date": date_in_words(last.meeting_on)
        }
    if timezone.localtime(submission_deadline, LONDON).date() >= meeting_on:
        errors["submission_deadline"] = _("The deadline must be before the day of the meeting")
    if errors:
        raise ValidationError(errors)
    tracking_round = TrackingRound.objects.create(
        inquiry=inquiry,
        number=(last.number + 1) if last else 1,
        committee=committee_named(committee_name),
        meeting_on=meeting_on,
        submission_deadline=submission_deadline,
        report_of=report_of,
        opened_by=by,
    )
    Assessment.objects.bulk_create(
        Assessment(round=tracking_round, recommendation=recommendation)
        for recommendation in recommendations
    )
    from tracking import tasks

    tasks.send_round_opened.delay_on_commit(tracking_round.pk)
    return tracking_round


def _later_round_exists(assessment):
    return TrackingRound.objects.filter(
        inquiry_id=assessment.round.inquiry_id, number__gt=assessment.round.number
    ).exists()


def _touch(tracking_round):
    TrackingRound.objects.filter(pk=tracking_round.pk).update(version=F("version") + 1)


def _check_round_evidence(assessment, evidence):
    """Refuse ``evidence`` if it takes the assessment's evidence past ``MAX_PER_ROUND``.

    The caller holds the assessment's row lock, so two submissions cannot both fit.
    """
    given = sum(len(text) for text in assessment.evidence.values_list("text", flat=True))
    room = EvidenceUpdate.MAX_PER_ROUND - given
    if len(evidence) > room:
        raise ValidationError(
            {
                "evidence": _(
                    "The evidence for %(ref)s in this round is already %(given)s characters. "
                    "You can add up to %(room)s more."
                )
                % {
                    "ref": assessment.recommendation.reference,
                    "given": number_format(given, force_grouping=True),
                    "room": number_format(max(room, 0), force_grouping=True),
                }
            }
        )


@transaction.atomic
def submit_assessment(*, assessment, by, category, evidence, achieved_on=None, anticipated_on=None):
    """The executive's assessment: category, dates, and evidence appended to what went before.

    Open to the recommendation's responsible people and scrutiny officers until
    the committee decides; a resubmission replaces the category and dates but
    keeps every earlier piece of evidence. Evidence over ``EvidenceUpdate.text``'s
    limit, or taking the round's evidence for the recommendation over
    ``EvidenceUpdate.MAX_PER_ROUND``, is refused; its Markdown is rendered and stored.
    """
    if not has_permission(by, Permission.SUBMIT_ASSESSMENT, obj=assessment.recommendation):
        raise PermissionError("Only the people responsible or a scrutiny officer can submit.")
    assessment = (
        Assessment.objects.select_for_update().select_related("round").get(pk=assessment.pk)
    )
    if assessment.is_decided:
        raise ValidationError(
            _("The committee has already decided this recommendation for this round")
        )
    evidence = evidence.strip()
    if not evidence:
        raise ValidationError({"evidence": _("Enter the evidence of progress")})
    check_lengths(EvidenceUpdate, {"evidence": ("text", evidence)})
    _check_round_evidence(assessment, evidence)
    rules.check_category(
        recommendation=assessment.recommendation,
        tracking_round=assessment.round,
        category=category,
        anticipated_on=anticipated_on,
        achieved_on=achieved_on,
    )
    assessment.proposed_category = category
    assessment.achieved_on = achieved_on
    assessment.anticipated_on = anticipated_on
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = by
    assessment.save()
    EvidenceUpdate.objects.create(
        assessment=assessment, text=evidence, text_html=for_storage(evidence), added_by=by
    )
    _touch(assessment.round)
    return assessment


@transaction.atomic
def record_decision(*, assessment, by, category, comment="", anticipated_on=None):
    """The committee's decision, which may differ from the executive's; 1, 2 or 4 concludes.

    It can be corrected until the next round opens. A comment over its limit is refused.
    """
    require_scrutiny_officer(by)
    check_lengths(Assessment, {"comment": ("decision_comment", comment.strip())})
    assessment = (
        Assessment.objects.select_for_update().select_related("round").get(pk=assessment.pk)
    )
    if _later_round_exists(assessment):
        raise ValidationError(_("A later round has opened, so this decision can no longer change"))
    rules.check_category(
        recommendation=assessment.recommendation,
        tracking_round=assessment.round,
        category=category,
        anticipated_on=anticipated_on,
    )
    assessment.decided_category = category
    assessment.decision_comment = comment.strip()
    assessment.decision_anticipated_on = anticipated_on
    assessment.decided_at = timezone.now()
    assessment.decided_by = by
    assessment.save()
    _touch(assessment.round)
    return assessment
