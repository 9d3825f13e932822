from django.urls import path  # noqa: F401  (the views' routes are added below)

from tenders.views import box, method

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
    # Bidders: a bid's task list and sections, receipts, partnership requests.
]
