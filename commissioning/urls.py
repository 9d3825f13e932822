"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

from django.urls import path

from commissioning.views import social_value as social_value_views
from commissioning.views import spend as spend_views
from commissioning.views import wards as ward_views

app_name = "commissioning"

projects = []
engagement = []
pipeline = []
contracts = []
performance = []
social_value = [
    path(
        "contracts/<str:reference>/social-value/",
        social_value_views.contract_social_value,
        name="contract_social_value",
    ),
    path(
        "contracts/<str:reference>/social-value/pledges/<int:pledge>/report/",
        social_value_views.report_social_value,
        name="report_social_value",
    ),
    path(
        "contracts/<str:reference>/social-value/returns/<int:pk>/lines/",
        social_value_views.add_lines,
        name="social_value_lines",
    ),
]
supply_chain = []
decommissioning = []
spend_and_wards = [
    path("spend/", spend_views.spend_page, name="spend"),
    path("spend/spend.csv", spend_views.spend_csv, name="spend_csv"),
    path("wards/", ward_views.ward_index, name="wards"),
    path("wards/<slug:slug>/", ward_views.ward_page, name="ward"),
]

urlpatterns = [
    *projects,
    *engagement,
    *pipeline,
    *contracts,
    *performance,
    *social_value,
    *supply_chain,
    *decommissioning,
    *spend_and_wards,
]
