"""The evaluation report as a stored PDF, made by a Celery task (``tenders.pdf``)."""

from django.db import models
from django.db.models import F

from portal.stored_pdf import StoredPDF
from tenders.models.method import Tender


class EvaluationReport(StoredPDF):
    """A tender's evaluation report as PDF: the stored file, and the render asked for.

    Readers who declared a conflict of interest with some bids read the report
    without them, so there is one report per set of bids left out: ``left_out``
    is their ids, ascending and comma-separated, and empty for the whole report.
    The file is current while ``source_version`` matches the tender's
    ``evaluation_version``. It lives in the private file storage, which no URL
    serves: only ``tenders.views.results.report_pdf`` reads it, after the same
    checks as the results page.
    """

    # At 200 bids the report is about 370 pages and takes a minute or more on two
    # shared cores: longer limits than the progress reports', within Celery's default.
    RENDER_SOFT_TIME_LIMIT = 270
    RENDER_TIME_LIMIT = 300

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="reports")
    left_out = models.TextField(blank=True)
    pdf = models.FileField(upload_to="tenders/reports/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "left_out"], name="evaluation_report_one_per_reading"
            )
        ]

    def __str__(self):
        return f"Evaluation report for {self.tender}"

    @classmethod
    def key_of(cls, bid_ids):
        """The ``left_out`` text for the bids ``bid_ids``."""
        return ",".join(str(pk) for pk in sorted(bid_ids))

    @property
    def left_out_ids(self):
        return [int(pk) for pk in self.left_out.split(",") if pk]

    @property
    def is_current(self):
        return bool(self.pdf) and self.source_version == self.tender.evaluation_version


def current_reports():
    """Stored reports drawn from their tender's evaluation as it stands."""
    return EvaluationReport.objects.filter(source_version=F("tender__evaluation_version")).exclude(
        pdf=""
    )
