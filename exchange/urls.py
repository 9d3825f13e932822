"""The social value exchange's pages, all under /exchange/.

Each part keeps its patterns in its own list so that they can be read apart.
"""

from django.urls import path

from exchange.views import matches, needs, offers, public, yours
from exchange.views import summaries as summary_views

app_name = "exchange"

public_pages = [
    path("exchange/", public.overview, name="overview"),
    path("exchange/needs/", public.needs, name="needs"),
    path("exchange/offers/", public.offers, name="offers"),
]

posting = [
    path("exchange/needs/new/", needs.create, name="need_create"),
    path("exchange/needs/<int:pk>/", needs.detail, name="need"),
    path("exchange/needs/<int:pk>/extend/", needs.extend, name="need_extend"),
    path("exchange/needs/<int:pk>/close/", needs.close, name="need_close"),
    path("exchange/needs/<int:pk>/propose/", needs.propose, name="need_propose"),
    path("exchange/offers/new/", offers.create, name="offer_create"),
    path("exchange/offers/<int:pk>/", offers.detail, name="offer"),
    path("exchange/offers/<int:pk>/close/", offers.close, name="offer_close"),
    path("exchange/offers/<int:pk>/pledge/", offers.pledge, name="offer_pledge"),
    path("exchange/offers/<int:pk>/ask/", offers.propose, name="offer_propose"),
]

matching = [
    path("exchange/yours/", yours.dashboard, name="yours"),
    path("exchange/matches/<int:pk>/", matches.detail, name="match"),
    path("exchange/matches/<int:pk>/answer/", matches.answer, name="match_answer"),
    path("exchange/matches/<int:pk>/record/", matches.record, name="match_record"),
    path("exchange/deliveries/<int:pk>/confirm/", matches.confirm, name="delivery_confirm"),
]

summaries = [
    path(
        "exchange/yours/<slug:slug>/weekly-email/",
        summary_views.subscribe,
        name="summary_subscribe",
    ),
    path(
        "exchange/yours/<slug:slug>/weekly-email/stop/",
        summary_views.unsubscribe,
        name="summary_unsubscribe",
    ),
]

urlpatterns = public_pages + posting + matching + summaries
