"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

from django.urls import path

from commissioning.views import decommissioning as decommissioning_views

app_name = "commissioning"

projects = []
engagement = []
pipeline = []
contracts = []
performance = []
social_value = []
supply_chain = []
decommissioning = [
    path(
        "decommissioning/",
        decommissioning_views.decommissioning_list,
        name="decommissioning_list",
    ),
    path(
        "contracts/<str:reference>/decommissioning/new/",
        decommissioning_views.decommissioning_new,
        name="decommissioning_new",
    ),
    path(
        "contracts/<str:reference>/decommissioning/<int:pk>/",
        decommissioning_views.decommissioning,
        name="decommissioning",
    ),
    path(
        "contracts/<str:reference>/decommissioning/<int:pk>/change/",
        decommissioning_views.decommissioning_change,
        name="decommissioning_change",
    ),
    path(
        "contracts/<str:reference>/decommissioning/<int:pk>/notice/",
        decommissioning_views.decommissioning_notice,
        name="decommissioning_notice",
    ),
]
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
