"""Open data: every public event of a procurement, stored as an OCDS release when it
happens and never changed afterwards.

The apps that own the events build the release (``opportunities.ocds``,
``tenders.ocds``, ``commissioning.ocds``) and store it through
``opendata.actions.record_release``; this app only keeps and serves them. So a
release says what was public at that moment: a later correction is a later release.
"""

import json

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """One OCDS release: ``data`` is the release exactly as published, as JSON text, so
    lists and files copy it out without parsing it again."""

    ocid = models.CharField(_("Open Contracting ID"), max_length=100)
    # 1, 2, 3… within the ocid; the release id is the ocid and this number.
    number = models.PositiveIntegerField()
    release_id = models.CharField(_("release id"), max_length=120)
    date = models.DateTimeField(_("date"))
    tags = models.JSONField(_("tags"))
    data = models.TextField()
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("OCDS release")
        constraints = [
            models.UniqueConstraint(fields=["ocid", "number"], name="release_number_unique"),
            models.UniqueConstraint(fields=["ocid", "release_id"], name="release_id_unique"),
        ]
        indexes = [
            # The release list, newest first, paged by (date, id) from a cursor.
            models.Index(F("date").desc(), F("id").desc(), name="release_newest"),
        ]

    def __str__(self):
        return self.release_id

    @property
    def release(self):
        """The release as a dict."""
        return json.loads(self.data)


class BulkFile(models.Model):
    """The nightly file of every release, one per line, gzip-compressed."""

    made_at = models.DateTimeField()
    releases = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()  # bytes
    name = models.CharField(max_length=200)  # in the storage's ``opendata/`` folder

    class Meta:
        ordering = ["-made_at"]
        get_latest_by = "made_at"

    def __str__(self):
        return self.name
