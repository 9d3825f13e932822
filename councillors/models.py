"""Councillors' weekly digest of live opportunities, and their signposting of groups to them.

A ``Councillor`` (with the wards they represent) lives in the registry; this app
adds what the portal does for councillors: when they want the digest, the record
of each week's run and of each digest sent, and the opportunities they point
local organisations to.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.models import Opportunity
from organisations.models import Councillor, Organisation


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


DEFAULT_WEEKDAY = Weekday.MONDAY
DEFAULT_SEND_AT = datetime.time(7, 0)
NOTE_MAX_LENGTH = 1000  # a signposting's note: a few sentences


class DigestPreference(models.Model):
    """When a councillor wants the digest. A councillor without one gets the defaults:
    on, Monday at 7am UK time."""

    councillor = models.OneToOneField(
        Councillor, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField(_("send me the weekly digest"), default=True)
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, default=DEFAULT_WEEKDAY
    )
    send_at = models.TimeField(_("time (UK time)"), default=DEFAULT_SEND_AT)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digest preference")

    def __str__(self):
        return f"Digest preference of {self.councillor}"


class DigestRun(models.Model):
    """One week's run: who was eligible, what was sent, failed or skipped, and why.

    ``problems`` lists councillors who could not get a digest or got one without a
    ward section: ``[{"councillor": name, "councillor_id": id, "problem": text}]``.
    ``possibly_sent_twice`` counts the digests sent again because a worker stopped
    after handing them to the mail server and before recording the send (see
    ``Digest.possibly_sent_twice``); they are among those ``sent``.
    """

    week = models.CharField(_("ISO week"), max_length=8)  # 2026-W48
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    eligible = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    possibly_sent_twice = models.PositiveIntegerField(
        _("possibly sent twice"),
        default=0,
        help_text=_(
            "Digests sent again because a worker stopped after handing them to the mail "
            "server and before recording that it had. Both copies have the same Message-ID, "
            "so most mail systems show only one."
        ),
    )
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("digest run")

    def __str__(self):
        return f"Digest run for {self.week} started {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class Digest(models.Model):
    """One councillor's digest for one ISO week, claimed before it is sent.

    The unique (councillor, week) row is what makes the digest go once: a retry,
    a second beat or a worker that died finds the row and sends only if
    ``sent_at`` is empty. ``sent_at`` is when the mail server accepted it. What
    was sent is kept, so past digests can be read again.

    ``sending_started_at`` is set, and committed, just before the digest is handed
    to the mail server, and emptied when that attempt fails. Found set on a digest
    not sent, it means a worker stopped mid-send, perhaps after the server had
    taken the message: the digest is sent again and marked ``possibly_sent_twice``.
    """

    councillor = models.ForeignKey(Councillor, on_delete=models.CASCADE, related_name="digests")
    week = models.CharField(_("ISO week"), max_length=8)
    run = models.ForeignKey(
        DigestRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="digests"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    possibly_sent_twice = models.BooleanField(
        _("possibly sent twice"),
        default=False,
        help_text=_(
            "Sent again because a worker stopped after handing it to the mail server and "
            "before recording that it had."
        ),
    )
    last_error = models.TextField(blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # gave up after the last attempt
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    opportunity_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week", "councillor__full_name"]
        verbose_name = _("digest")
        constraints = [
            models.UniqueConstraint(
                fields=["councillor", "week"], name="councillors_digest_once_a_week"
            )
        ]

    def __str__(self):
        return f"Digest {self.week} for {self.councillor}"


class Signposting(models.Model):
    """A councillor pointing an organisation to an opportunity, with a short note."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="signpostings"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signpostings"
    )
    councillor = models.ForeignKey(
        Councillor, on_delete=models.CASCADE, related_name="signpostings"
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("signposting")
        verbose_name_plural = _("signpostings")

    def __str__(self):
        return f"{self.councillor} signposted {self.organisation} to {self.opportunity}"
