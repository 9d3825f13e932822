from django.urls import path  # noqa: F401  (the views' routes are added below)

app_name = "tenders"

urlpatterns = [
    # Commissioners: the tender and its evaluation method, the bid box, the log.
    # Bidders: a bid's task list and sections, receipts, partnership requests.
]
