"""What a round's progress report says, gathered once for the web page and the PDF.

The shape is the council's own report (seed 001): a cover with the review's
details, Appendix 1 (the tracking process), Appendix 2 (the recommendations
tracked in this round, each with all its evidence so far) and Appendix 3 (the
recommendations concluded in earlier rounds). Markdown people wrote was rendered
through ``portal.markdown`` when it was saved; the stored HTML is shown here, so
it is safe however it was written and is not rendered again for each report.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.formats import date_in_words
from portal.markdown import stored
from tracking.models import CONCLUDING, CRITERIA, Assessment, Category, EvidenceUpdate

# Word for word from the Scrutiny Office guidance (seed 001, Appendix 1).
GUIDANCE_QUESTIONS = (
    gettext_lazy("What progress/ key actions have been made against each recommendation?"),
    gettext_lazy("Are these actions pertinent to the measures required in the recommendation?"),
    gettext_lazy("Have the actions been undertaken within the time scale allocated?"),
    gettext_lazy("Are there any matters in the recommendation where progress is outstanding?"),
    gettext_lazy(
        "Is the Committee satisfied that sufficient progress has been made and that the "
        "recommendation has been achieved?"
    ),
)

APPENDICES = (
    gettext_lazy("Scrutiny Office guidance on the tracking process"),
    gettext_lazy("Recommendations you are tracking today"),
    gettext_lazy("Recommendations tracked previously and concluded"),
)


def category_in_words(number):
    """``1 – Achieved (fully)``, as the report writes a category; ``""`` for none."""
    if number is None:
        return ""
    category = Category(number)
    return f"{category.value} – {category.label}"


def month_in_words(day):
    """``September 2016``."""
    return f"{day:%B %Y}"


@dataclass
class Evidence:
    heading: str
    html: str


@dataclass
class TrackedRecommendation:
    """One row of Appendix 2: a recommendation as it stands in this round."""

    reference: str
    text: str
    responsibility: str
    target_dates: list
    proposed: str
    achieved_on: str
    anticipated_on: str
    decided: str
    decision_anticipated_on: str
    decision_comment: str
    keep_whole: bool = True
    evidence: list = field(default_factory=list)


@dataclass
class ConcludedRecommendation:
    """One row of Appendix 3: concluded by the committee in an earlier round."""

    reference: str
    text: str
    category: str
    round_number: int
    meeting_on: str


@dataclass
class ProgressReport:
    """Everything the report templates show for one round."""

    tracking_round: object
    inquiry: object
    title: str
    meeting_on: str
    approved_on: str
    last_tracked: str
    tracked: list
    concluded: list
    guidance_questions: tuple = GUIDANCE_QUESTIONS
    appendices: tuple = APPENDICES

    @property
    def categories(self):
        """``(number, name, criteria)`` for each category, for the table in Appendix 1."""
        return [(category.value, category.label, CRITERIA[category]) for category in Category]


def last_tracked(tracking_round):
    """When progress was last tracked: "First tracking" in round 1, else the previous meeting.

    As the council writes it, round 2 says "First tracking – 27 October 2015".
    """
    if tracking_round.number == 1:
        return _("First tracking")
    previous = (
        tracking_round.inquiry.rounds.filter(number__lt=tracking_round.number)
        .order_by("-number")
        .first()
    )
    if previous is None:
        return _("First tracking")
    when = date_in_words(previous.meeting_on)
    if previous.number == 1:
        return _("First tracking – %(date)s") % {"date": when}
    return when


def _evidence_by_recommendation(tracking_round, recommendation_ids):
    """Every evidence update up to and including this round, oldest first, by recommendation."""
    updates = (
        EvidenceUpdate.objects.filter(
            assessment__recommendation_id__in=recommendation_ids,
            assessment__round__inquiry_id=tracking_round.inquiry_id,
            assessment__round__number__lte=tracking_round.number,
        )
        .select_related("assessment__round")
        .defer("text")  # shown as the HTML stored beside it
        .order_by("assessment__round__number", "added_at", "pk")
    )
    found = defaultdict(list)
    for update in updates:
        heading = _("Update – %(month)s") % {
            "month": month_in_words(update.assessment.round.meeting_on)
        }
        found[update.assessment.recommendation_id].append(
            Evidence(heading=heading, html=stored(update.text_html))
        )
    return found


# The PDF keeps a recommendation's own row on one page when it is surely shorter
# than about half a page; a longer row may break, or it would leave a page blank.
KEEP_WHOLE_LINES = 28


def _lines(text, per_line):
    """Roughly how many lines ``text`` takes in a column that fits ``per_line`` characters."""
    return sum(len(line) // per_line + 1 for line in text.splitlines())


def _keep_whole(recommendation, assessment):
    return (
        max(
            _lines(recommendation.text, 34),
            _lines(recommendation.responsibility, 16),
            _lines(assessment.decision_comment, 18) + 8,
        )
        <= KEEP_WHOLE_LINES
    )


def _date_or_blank(day):
    return date_in_words(day) if day else ""


def tracked_recommendations(tracking_round):
    """Appendix 2: each assessment of this round, in reference order, with its evidence."""
    assessments = list(
        tracking_round.assessments.select_related("recommendation")
        .prefetch_related("recommendation__target_dates")
        .order_by("recommendation__reference")
    )
    evidence = _evidence_by_recommendation(
        tracking_round, [assessment.recommendation_id for assessment in assessments]
    )
    rows = []
    for assessment in assessments:
        recommendation = assessment.recommendation
        submitted = assessment.is_submitted
        rows.append(
            TrackedRecommendation(
                reference=recommendation.reference,
                text=stored(recommendation.text_html),
                responsibility=recommendation.responsibility,
                target_dates=[str(target) for target in recommendation.target_dates.all()],
                proposed=category_in_words(assessment.proposed_category)
                if submitted
                else _("Not yet submitted"),
                achieved_on=_date_or_blank(assessment.achieved_on) if submitted else "",
                anticipated_on=_date_or_blank(assessment.anticipated_on) if submitted else "",
                decided=category_in_words(assessment.decided_category)
                if assessment.is_decided
                else "",
                decision_anticipated_on=_date_or_blank(assessment.decision_anticipated_on),
                decision_comment=assessment.decision_comment if assessment.is_decided else "",
                keep_whole=_keep_whole(recommendation, assessment),
                evidence=evidence.get(recommendation.pk, []),
            )
        )
    return rows


def concluded_recommendations(tracking_round):
    """Appendix 3: recommendations the committee concluded (1, 2 or 4) before this round."""
    decisions = (
        Assessment.objects.filter(
            round__inquiry_id=tracking_round.inquiry_id,
            round__number__lt=tracking_round.number,
            decided_category__in=CONCLUDING,
        )
        .select_related("recommendation", "round")
        .order_by("recommendation__reference", "round__number")
    )
    rows = {}
    for decision in decisions:
        # A concluded recommendation leaves tracking; keep its first conclusion only.
        rows.setdefault(
            decision.recommendation_id,
            ConcludedRecommendation(
                reference=decision.recommendation.reference,
                text=stored(decision.recommendation.text_html),
                category=category_in_words(decision.decided_category),
                round_number=decision.round.number,
                meeting_on=date_in_words(decision.round.meeting_on),
            ),
        )
    return list(rows.values())


def progress_report(tracking_round):
    """The progress report of ``tracking_round`` as it stands now, ready for the templates."""
    inquiry = tracking_round.inquiry
    return ProgressReport(
        tracking_round=tracking_round,
        inquiry=inquiry,
        title=inquiry.title,
        meeting_on=date_in_words(tracking_round.meeting_on),
        approved_on=date_in_words(inquiry.approved_on),
        last_tracked=last_tracked(tracking_round),
        tracked=tracked_recommendations(tracking_round),
        concluded=concluded_recommendations(tracking_round),
    )
