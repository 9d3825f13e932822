"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

from django.urls import path

from commissioning.views import contracts as contract_views
from commissioning.views import performance as performance_views
from commissioning.views import supply_chain as supply_chain_views

app_name = "commissioning"

projects = []
engagement = []
pipeline = []
contracts = [
    path("contracts/", contract_views.register, name="contracts"),
    path("contracts/record/", contract_views.record, name="record_contract"),
    path("contracts/<str:reference>/", contract_views.detail, name="contract"),
]
performance = [
    path(
        "contracts/<str:reference>/performance/",
        performance_views.performance,
        name="contract_performance",
    ),
    path("contracts/<str:reference>/kpis/add/", performance_views.add_kpi, name="add_kpi"),
    path(
        "contracts/<str:reference>/returns/",
        performance_views.submit_returns,
        name="submit_returns",
    ),
    path("contracts/<str:reference>/rate/", performance_views.rate, name="rate_performance"),
]
social_value = []
supply_chain = [
    path(
        "contracts/<str:reference>/subcontracting/",
        supply_chain_views.post_subcontract,
        name="post_subcontract",
    ),
    path(
        "subcontracting/<str:reference>/apply/",
        supply_chain_views.apply,
        name="apply_to_subcontract",
    ),
    path(
        "subcontracting/<str:reference>/applications/",
        supply_chain_views.applications,
        name="subcontract_applications",
    ),
]
decommissioning = []
spend_and_wards = []

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
