"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

from django.urls import path

from commissioning.views import decommissioning as decommissioning_views
from commissioning.views import pipeline as pipeline_views

app_name = "commissioning"

projects = []
engagement = []
pipeline = [
    path("pipeline/", pipeline_views.pipeline, name="pipeline"),
    path("pipeline/add/", pipeline_views.add, name="pipeline_add"),
    path("pipeline/<str:reference>/", pipeline_views.item, name="pipeline_item"),
    path("pipeline/<str:reference>/edit/", pipeline_views.edit, name="pipeline_edit"),
    path("pipeline/<str:reference>/withdraw/", pipeline_views.withdraw, name="pipeline_withdraw"),
    path("pipeline/<str:reference>/link/", pipeline_views.link, name="pipeline_link"),
    path("pipeline/<str:reference>/follow/", pipeline_views.follow, name="pipeline_follow"),
]
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
