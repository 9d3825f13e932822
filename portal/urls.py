from django.contrib import admin
from django.urls import include, path

from portal import health, views

admin.site.site_header = admin.site.site_title = "Commissioning portal administration"

urlpatterns = [
    path("", include("home.urls")),  # the front page composes every app
    path("health/", health.health, name="health"),
    path("health/workers/", health.health_with_workers, name="health_with_workers"),
    path("accounts/", include("accounts.urls")),
    path("organisations/", include("organisations.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("tracking/", include("tracking.urls")),
    path("councillors/", include("councillors.urls")),
    path("", include("tenders.urls")),  # /opportunities/<reference>/tender/… and /bids/…
    path("", include("commissioning.urls")),  # /projects/ /events/ /pipeline/ /contracts/ …
    path("", include("exchange.urls")),  # /exchange/…
    path("", include("opendata.urls")),  # /api/ocds/…
    path("accessibility/", views.page("pages/accessibility.html"), name="accessibility"),
    path("privacy/", views.page("pages/privacy.html"), name="privacy"),
    path("cookies/", views.page("pages/cookies.html"), name="cookies"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
