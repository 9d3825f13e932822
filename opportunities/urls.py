from django.urls import path

from opportunities.views import (
    activity,
    alerts,
    detail,
    documents,
    download,
    feed,
    partners,
    publish,
    questions,
    search,
)

app_name = "opportunities"

urlpatterns = [
    path("manage/", publish.manage, name="manage"),
    path("manage/new/", publish.create, name="create"),
    path("", search.search, name="search"),
    path("feed/", feed.OpportunityFeed(), name="feed"),
    path("opportunities.csv", download.download, name="download"),
    # Saved searches come before "<str:reference>/", which would match "alerts/".
    path("alerts/", alerts.alerts, name="alerts"),
    path("alerts/save/", alerts.save, name="save_search"),
    path("alerts/<int:pk>/delete/", alerts.delete, name="delete_alert"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="unsubscribe"),
    path("activity/", activity.activity, name="activity"),
    path("<str:reference>/", detail.detail, name="detail"),
    path("<str:reference>/edit/", publish.edit, name="edit"),
    path("<str:reference>/publish/", publish.publish, name="publish"),
    path("<str:reference>/cancel/", publish.cancel, name="cancel"),
    path("<str:reference>/documents/", documents.documents, name="documents"),
    path("<str:reference>/documents/<int:pk>/", detail.document, name="document"),
    path("<str:reference>/documents/<int:pk>/remove/", documents.remove, name="remove_document"),
    path("<str:reference>/follow/", detail.follow, name="follow"),
    path("<str:reference>/questions/", questions.questions, name="questions"),
    path("<str:reference>/questions/ask/", questions.ask, name="ask_question"),
    path("<str:reference>/questions/<int:pk>/answer/", questions.answer, name="answer_question"),
    path("<str:reference>/partners/", partners.partners, name="partners"),
    path("<str:reference>/partners/withdraw/", partners.withdraw, name="withdraw_listing"),
    path("<str:reference>/partners/<int:pk>/contact/", partners.contact, name="contact_partner"),
    path(
        "<str:reference>/partners/replies/<int:pk>/",
        partners.reply,
        name="reply_to_partner",
    ),
]
