from django.urls import path

from tracking.views import manage, public, reports, rounds

app_name = "tracking"

urlpatterns = [
    path("", public.inquiry_list, name="list"),
    # Fixed words come before "<slug:slug>/", which would match them (they are reserved slugs).
    path("manage/", manage.dashboard, name="dashboard"),
    path("manage/new/", manage.create_inquiry, name="create_inquiry"),
    path("assessments/", rounds.my_assessments, name="my_assessments"),
    path("<slug:slug>/", public.inquiry, name="inquiry"),
    path("<slug:slug>/edit/", manage.edit_inquiry, name="edit_inquiry"),
    path("<slug:slug>/history.csv", manage.history_csv, name="history_csv"),
    path("<slug:slug>/report.pdf", reports.latest_report_pdf, name="latest_report_pdf"),
    path("<slug:slug>/recommendations/new/", manage.add_recommendation, name="add_recommendation"),
    path(
        "<slug:slug>/recommendations/<str:reference>/edit/",
        manage.edit_recommendation,
        name="edit_recommendation",
    ),
    path("<slug:slug>/rounds/new/", rounds.open_round, name="open_round"),
    path("<slug:slug>/rounds/<int:number>/", rounds.round_detail, name="round"),
    path("<slug:slug>/rounds/<int:number>/report/", reports.round_report, name="round_report"),
    path(
        "<slug:slug>/rounds/<int:number>/report.pdf",
        reports.round_report_pdf,
        name="round_report_pdf",
    ),
    path(
        "<slug:slug>/rounds/<int:number>/report/try-again/",
        reports.retry_report_pdf,
        name="retry_report_pdf",
    ),
    path(
        "<slug:slug>/rounds/<int:number>/<str:reference>/assessment/",
        rounds.submit_assessment,
        name="submit_assessment",
    ),
    path(
        "<slug:slug>/rounds/<int:number>/<str:reference>/decision/",
        rounds.record_decision,
        name="record_decision",
    ),
]
