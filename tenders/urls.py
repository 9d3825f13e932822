from django.urls import path  # noqa: F401  (the views' routes are added below)

from tenders.views import (
    award,
    awards,
    bids,
    box,
    consortium,
    feed,
    method,
    moderation,
    panel,
    partnerships,
    progress,
    results,
    scoring,
    sections,
    submission,
    submitted,
    summaries,
)

app_name = "tenders"

urlpatterns = [
    # Commissioners: the tender and its evaluation method, the bid box, the log.
    path("opportunities/<str:reference>/tender/", method.tender, name="tender"),
    path("opportunities/<str:reference>/tender/open/", box.open_box, name="open_box"),
    path("opportunities/<str:reference>/tender/log/", box.log, name="log"),
    path("opportunities/<str:reference>/tender/settings/", method.settings, name="settings"),
    path("opportunities/<str:reference>/tender/weights/", method.weights, name="weights"),
    path(
        "opportunities/<str:reference>/tender/questions/new/",
        method.add_criterion,
        name="add_criterion",
    ),
    path(
        "opportunities/<str:reference>/tender/questions/<int:pk>/",
        method.edit_criterion,
        name="edit_criterion",
    ),
    path(
        "opportunities/<str:reference>/tender/questions/<int:pk>/remove/",
        method.remove_criterion,
        name="remove_criterion",
    ),
    path(
        "opportunities/<str:reference>/tender/prices/new/",
        method.add_price_line,
        name="add_price_line",
    ),
    path(
        "opportunities/<str:reference>/tender/prices/<int:pk>/",
        method.edit_price_line,
        name="edit_price_line",
    ),
    path(
        "opportunities/<str:reference>/tender/prices/<int:pk>/remove/",
        method.remove_price_line,
        name="remove_price_line",
    ),
    # Commissioners during evaluation: what bidders are told; consortium changes after award.
    path("opportunities/<str:reference>/tender/progress/", progress.progress, name="progress"),
    path(
        "opportunities/<str:reference>/tender/consortium-changes/",
        consortium.history,
        name="consortium_changes",
    ),
    path(
        "opportunities/<str:reference>/tender/consortium-changes/<int:pk>/",
        consortium.decide,
        name="consortium_change",
    ),
    path(
        "opportunities/<str:reference>/tender/consortium-changes/<int:pk>/evidence/",
        consortium.evidence,
        name="consortium_evidence",
    ),
    # Commissioners, once the box is open: the submitted bids as frozen.
    path(
        "opportunities/<str:reference>/tender/bids/<str:bid_reference>/",
        submitted.submitted_bid,
        name="submitted_bid",
    ),
    path(
        "opportunities/<str:reference>/tender/bids/<str:bid_reference>/files/<int:pk>/",
        submitted.submitted_attachment,
        name="submitted_attachment",
    ),
    # The panel's chair: moderation; with the commissioners, the duplication check and results.
    path(
        "opportunities/<str:reference>/tender/moderation/",
        moderation.overview,
        name="moderation",
    ),
    path(
        "opportunities/<str:reference>/tender/moderation/<str:bid_reference>/",
        moderation.moderate_bid,
        name="moderate_bid",
    ),
    path(
        "opportunities/<str:reference>/tender/moderation/<str:bid_reference>/duplication/",
        moderation.duplication,
        name="duplication",
    ),
    path("opportunities/<str:reference>/tender/results/", results.results, name="results"),
    path(
        "opportunities/<str:reference>/tender/results/results.csv",
        results.results_csv,
        name="results_csv",
    ),
    path(
        "opportunities/<str:reference>/tender/results/evaluation-report.pdf",
        results.report_pdf,
        name="evaluation_report",
    ),
    path(
        "opportunities/<str:reference>/tender/results/evaluation-report/try-again/",
        results.retry_report_pdf,
        name="retry_evaluation_report",
    ),
    # The evaluation panel: named by the commissioners; each evaluator declares and scores.
    path("opportunities/<str:reference>/tender/panel/", panel.panel, name="panel"),
    path(
        "opportunities/<str:reference>/tender/panel/<int:pk>/",
        panel.panel_member,
        name="panel_member",
    ),
    path(
        "opportunities/<str:reference>/tender/panel/<int:pk>/chair/",
        panel.make_chair,
        name="panel_chair",
    ),
    path(
        "opportunities/<str:reference>/tender/panel/<int:pk>/remove/",
        panel.remove_member,
        name="panel_remove",
    ),
    path("evaluation/", panel.evaluations, name="evaluations"),
    path("opportunities/<str:reference>/tender/evaluation/", panel.evaluation, name="evaluation"),
    path(
        "opportunities/<str:reference>/tender/evaluation/bids/<str:bid_reference>/",
        scoring.score_bid,
        name="score_bid",
    ),
    path(
        "opportunities/<str:reference>/tender/evaluation/bids/<str:bid_reference>/files/<int:pk>/",
        scoring.scored_attachment,
        name="scored_attachment",
    ),
    # Commissioners, once every bid is moderated: award, standstill, confirmation.
    path("opportunities/<str:reference>/tender/award/", award.award, name="award"),
    path(
        "opportunities/<str:reference>/tender/award/<int:pk>/withdraw/",
        award.withdraw,
        name="withdraw_award",
    ),
    path(
        "opportunities/<str:reference>/tender/award/<int:pk>/confirm/",
        award.confirm,
        name="confirm_award",
    ),
    # Everyone: the confirmed awards. Bidders: their assessment summaries.
    path("awards/", awards.awards, name="awards"),
    path("awards/awards.csv", awards.download, name="awards_csv"),
    path("awards/feed/", feed.AwardFeed(), name="awards_feed"),
    path("bids/<str:bid_reference>/summary/", summaries.summary, name="bid_summary"),
    path("bids/<str:bid_reference>/summary.pdf", summaries.summary_pdf, name="bid_summary_pdf"),
    # Bidders: a bid's task list and sections, receipts, partnership requests.
    path("opportunities/<str:reference>/bid/", bids.start_bid, name="start_bid"),
    path("bids/partnerships/<int:pk>/", partnerships.partnership, name="partnership"),
    path("bids/<str:reference>/", bids.task_list, name="bid"),
    path("bids/<str:reference>/lots/", sections.lots, name="bid_lots"),
    path("bids/<str:reference>/partners/", partnerships.partners, name="bid_partners"),
    path("bids/<str:reference>/questions/<int:criterion_pk>/", sections.answer, name="bid_answer"),
    path(
        "bids/<str:reference>/questions/<int:criterion_pk>/lots/<int:lot_pk>/",
        sections.answer,
        name="bid_answer",
    ),
    path("bids/<str:reference>/price/", sections.price, name="bid_price"),
    path("bids/<str:reference>/price/lots/<int:lot_pk>/", sections.price, name="bid_price"),
    path("bids/<str:reference>/social-value/", sections.social_value, name="bid_social_value"),
    path("bids/<str:reference>/declarations/", sections.declarations, name="bid_declarations"),
    path("bids/<str:reference>/details/", sections.details, name="bid_details"),
    path("bids/<str:reference>/attachments/", sections.attachments, name="bid_attachments"),
    path("bids/<str:reference>/attachments/<int:pk>/", sections.attachment, name="bid_attachment"),
    path("bids/<str:reference>/submit/", submission.submit, name="bid_submit"),
    path("bids/<str:reference>/receipts/<int:number>/", submission.receipt, name="bid_receipt"),
    path("bids/<str:reference>/withdraw/", submission.withdraw, name="bid_withdraw"),
    path("bids/<str:reference>/versions/", submission.versions, name="bid_versions"),
    path(
        "bids/<str:reference>/consortium/change/",
        consortium.ask,
        name="bid_consortium_change",
    ),
    # End of Bidders.
]
