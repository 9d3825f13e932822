"""Scrutiny tracking: inquiries, their recommendations and the rounds that track them.

The shape follows the council's own progress reports (seed 001): each round the
executive proposes a category and gives evidence, and the committee decides.
The rules about categories live in ``tracking.rules``.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.batch import SendFailures
from portal.stored_pdf import StoredPDF


class Category(models.IntegerChoices):
    """The six assessment categories of seed 001, Appendix 1."""

    ACHIEVED = 1, _("Achieved (fully)")
    ACHIEVED_LATE = 2, _("Achieved (late)")
    PROGRESS_MADE = 3, _("Not achieved (progress made)")
    OBSTACLE = 4, _("Not achieved (obstacle)")
    INSUFFICIENT_PROGRESS = 5, _("Not achieved (insufficient progress)")
    IN_PROGRESS = 6, _("In progress")

    @property
    def criteria(self):
        return CRITERIA[self]

    @property
    def concludes(self):
        return self in CONCLUDING

    @property
    def needs_anticipated_date(self):
        return self in NEEDS_ANTICIPATED_DATE


CONCLUDING = frozenset({Category.ACHIEVED, Category.ACHIEVED_LATE, Category.OBSTACLE})
NEEDS_ANTICIPATED_DATE = frozenset({Category.PROGRESS_MADE, Category.INSUFFICIENT_PROGRESS})

# Word for word from the Scrutiny Office guidance (seed 001, Appendix 1).
CRITERIA = {
    Category.ACHIEVED: _(
        "The evidence provided shows that the recommendation has been fully implemented "
        "within the timescale specified."
    ),
    Category.ACHIEVED_LATE: _(
        "The evidence provided shows that the recommendation has been fully implemented "
        "but not within the timescale specified."
    ),
    Category.PROGRESS_MADE: _(
        "The evidence provided shows that the recommendation has not been fully achieved, "
        "but there has been significant progress made towards full achievement. An "
        "anticipated date by which the recommendation is expected to become achieved must "
        "be advised."
    ),
    Category.OBSTACLE: _(
        "The evidence provided shows that the recommendation has not been fully achieved, "
        "but all possible action has been taken. Outstanding actions are prevented by "
        "obstacles beyond the control of the Council (such as passage of enabling "
        "legislation)."
    ),
    Category.INSUFFICIENT_PROGRESS: _(
        "The evidence provided shows that the recommendation has not been fully achieved "
        "and there has been insufficient progress made towards full achievement. An "
        "anticipated date by which the recommendation is expected to become achieved must "
        "be advised."
    ),
    Category.IN_PROGRESS: _(
        "It is not appropriate to monitor achievement of the recommendation at this time "
        "because the timescale specified has not yet expired."
    ),
}

RESERVED_SLUGS = frozenset({"manage", "assessments"})


class Committee(models.Model):
    """An overview and scrutiny committee, which receives progress reports."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self):
        return self.name


class Inquiry(models.Model):
    """A scrutiny inquiry whose recommendations full council approved."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name for the web address"), max_length=80, unique=True)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("committee that held the inquiry"),
    )
    lead_member = models.CharField(_("member who led the review"), max_length=150)
    lead_officer = models.CharField(_("lead officer for the review"), max_length=150)
    approved_on = models.DateField(_("date approved at full council"))
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    summary_html = models.TextField(editable=False, blank=True)  # rendered once, when saved
    report_url = models.URLField(_("link to the published report"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scrutiny officer"),
        help_text=_("Told when submissions are late."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-approved_on", "title"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracking:inquiry", args=[self.slug])


class RecommendationQuerySet(models.QuerySet):
    def concluded(self):
        """Decided 1, 2 or 4 by the committee in some round: out of tracking for good."""
        return self.filter(assessments__decided_category__in=CONCLUDING).distinct()

    def unconcluded(self):
        return self.exclude(assessments__decided_category__in=CONCLUDING)

    def answered_for_by(self, user):
        return self.filter(responsible_people=user)


class Recommendation(models.Model):
    """One recommendation of an inquiry, with the people who answer for it."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(_("reference"), max_length=10)  # R01
    text = models.TextField(
        _("recommendation"),
        max_length=5000,
        help_text=_("Markdown. Write sub-parts as a list: “- a) …” on a line each."),
    )
    text_html = models.TextField(editable=False, blank=True)  # rendered once, when saved
    responsibility = models.TextField(
        _("responsibility"),
        max_length=500,
        help_text=_("As the report words it, for example “Cabinet Member for …”."),
    )
    responsible_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="scrutiny_recommendations",
        blank=True,
        verbose_name=_("people who answer for it"),
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inquiry", "reference"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "reference"], name="tracking_recommendation_reference_unique"
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.inquiry}"

    @property
    def completion_target(self):
        """The latest target date: the one by which the whole recommendation is due."""
        dates = [target.due_on for target in self.target_dates.all()]
        return max(dates) if dates else None


class TargetDate(models.Model):
    """A labelled target, such as “Interim evaluation report – October 2015”.

    A target given as a month is stored as that month's last day, so that work
    done at any time in the month counts as on time.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="target_dates"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    due_on = models.DateField(_("date"))
    month_only = models.BooleanField(_("month only"), default=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("target date")

    def __str__(self):
        when = (
            self.due_on.strftime("%B %Y") if self.month_only else self.due_on.strftime("%-d %B %Y")
        )
        return f"{self.label} – {when}" if self.label else when

    @staticmethod
    def end_of_month(year, month):
        return datetime.date(year, month, calendar.monthrange(year, month)[1])


class TrackingRound(models.Model):
    """One tracking of an inquiry's open recommendations, for a committee meeting.

    ``version`` goes up with every change to the round's assessments, so a stored
    PDF knows whether it is still current.
    """

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("committee it reports to"),
    )
    meeting_on = models.DateField(_("committee meeting"))
    submission_deadline = models.DateTimeField(_("deadline for the executive's assessments"))
    report_of = models.CharField(
        _("report of"),
        max_length=200,
        help_text=_("Who presents the report, for example “Cabinet Member for …”."),
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inquiry", "number"]
        verbose_name = _("tracking round")
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "number"], name="tracking_round_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.inquiry} – round {self.number}"

    def get_absolute_url(self):
        return reverse("tracking:round", args=[self.inquiry.slug, self.number])

    @property
    def deadline_passed(self):
        return timezone.now() >= self.submission_deadline


class AssessmentQuerySet(models.QuerySet):
    def decided(self):
        return self.filter(decided_at__isnull=False)

    def concluding(self):
        return self.filter(decided_category__in=CONCLUDING)

    def awaiting_submission(self):
        return self.filter(submitted_at__isnull=True)


class Assessment(models.Model):
    """One recommendation in one round: the executive's claim and the committee's decision."""

    round = models.ForeignKey(TrackingRound, on_delete=models.CASCADE, related_name="assessments")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="assessments"
    )
    proposed_category = models.PositiveSmallIntegerField(
        _("executive's assessment"), choices=Category.choices, null=True, blank=True
    )
    achieved_on = models.DateField(_("date achieved"), null=True, blank=True)
    anticipated_on = models.DateField(_("anticipated completion date"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_category = models.PositiveSmallIntegerField(
        _("committee's decision"), choices=Category.choices, null=True, blank=True
    )
    decision_comment = models.TextField(_("committee's comment"), max_length=2000, blank=True)
    decision_anticipated_on = models.DateField(
        _("anticipated completion date (committee)"), null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "recommendation__reference"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "recommendation"], name="tracking_assessment_once_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True)
                | models.Q(proposed_category__isnull=False),
                name="tracking_assessment_submitted_has_category",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True)
                | models.Q(decided_category__isnull=False),
                name="tracking_assessment_decided_has_category",
            ),
            models.CheckConstraint(
                condition=~models.Q(proposed_category__in=NEEDS_ANTICIPATED_DATE)
                | models.Q(anticipated_on__isnull=False),
                name="tracking_assessment_proposal_anticipated",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_category__in=NEEDS_ANTICIPATED_DATE)
                | models.Q(decision_anticipated_on__isnull=False),
                name="tracking_assessment_decision_anticipated",
            ),
        ]

    def __str__(self):
        return f"{self.recommendation.reference} in {self.round}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def is_decided(self):
        return self.decided_at is not None

    @property
    def concludes(self):
        return self.decided_category in CONCLUDING


class EvidenceUpdate(models.Model):
    """Evidence of progress, appended with each submission and never edited.

    One submission holds at most ``text``'s ``max_length`` characters, and all
    the evidence for one recommendation in one round at most
    ``MAX_PER_ROUND``, so a report's row stays readable and quick to draw.
    """

    MAX_PER_ROUND = 20000

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField(_("evidence of progress"), max_length=10000)
    text_html = models.TextField(editable=False, blank=True)  # rendered once, when saved
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence update")

    def __str__(self):
        return f"Evidence for {self.assessment}"


class Reminder(models.Model):
    """A reminder sent for a round; the unique row is claimed before the email goes."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Round opened")
        FOUR_WEEKS = "four_weeks", _("Four weeks before the deadline")
        ONE_WEEK = "one_week", _("One week before the deadline")
        LATE = "late", _("Submissions missing after the deadline")

    round = models.ForeignKey(TrackingRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "kind"], name="tracking_reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} for {self.round}"


class ReminderFailure(SendFailures):
    """A round's email to one person that has failed to send, for an operator to see.

    The ``Reminder`` claim is rolled back when its email fails, so the next run
    tries again; this row is what stays. Its count goes back to 0 once it goes.
    """

    round = models.ForeignKey(TrackingRound, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Reminder.Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "kind"], name="tracking_reminder_failure_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} for {self.round}: failing"


class ProgressReport(StoredPDF):
    """A round's progress report as PDF: the stored file, and the render asked for.

    The stored file is current while ``source_version`` matches the round's
    ``version``. The render fields (``portal.stored_pdf.StoredPDF``) describe the
    render of ``requested_version``: asked for once, by whoever claimed it first
    (see ``tracking.actions.reports``), and never asked for again while it is
    pending or has failed, unless an officer retries.
    """

    round = models.OneToOneField(TrackingRound, on_delete=models.CASCADE, related_name="report")
    pdf = models.FileField(upload_to="tracking/reports/", blank=True)

    def __str__(self):
        return f"Progress report for {self.round}"

    @property
    def is_current(self):
        return self.source_version == self.round.version
