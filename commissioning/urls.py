"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

from django.urls import path

from commissioning.views import contracts as contract_views
from commissioning.views import decommissioning as decommissioning_views
from commissioning.views import engagement as events
from commissioning.views import performance as performance_views
from commissioning.views import pipeline as pipeline_views
from commissioning.views import projects as project_views
from commissioning.views import social_value as social_value_views
from commissioning.views import spend as spend_views
from commissioning.views import supply_chain as supply_chain_views
from commissioning.views import wards as ward_views

app_name = "commissioning"

projects = [
    path("projects/", project_views.project_list, name="projects"),
    path("projects/new/", project_views.project_create, name="project_create"),
    path("projects/<str:reference>/", project_views.project_detail, name="project"),
    path("projects/<str:reference>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<str:reference>/needs/", project_views.needs_assessment, name="project_needs"),
    path("projects/<str:reference>/move/", project_views.move, name="project_move"),
    path(
        "projects/<str:reference>/documents/add/",
        project_views.document_add,
        name="project_document_add",
    ),
    path(
        "projects/<str:reference>/documents/<int:pk>/",
        project_views.document_download,
        name="project_document",
    ),
    path(
        "projects/<str:reference>/documents/<int:pk>/remove/",
        project_views.document_remove,
        name="project_document_remove",
    ),
    path(
        "projects/<str:reference>/outcomes/add/",
        project_views.outcome_add,
        name="project_outcome_add",
    ),
    path(
        "projects/<str:reference>/outcomes/<int:pk>/remove/",
        project_views.outcome_remove,
        name="project_outcome_remove",
    ),
    path(
        "projects/<str:reference>/partners/add/",
        project_views.partner_add,
        name="project_partner_add",
    ),
    path(
        "projects/<str:reference>/partners/<int:pk>/remove/",
        project_views.partner_remove,
        name="project_partner_remove",
    ),
]
engagement = [
    path("events/", events.event_list, name="events"),
    path("events/past/", events.past_events, name="past_events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:pk>/register/", events.register, name="event_register"),
    path(
        "events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        events.registration_cancel,
        name="registration_cancel",
    ),
    path("events/<int:pk>/attendees/", events.attendees, name="event_attendees"),
    path("events/<int:pk>/attendees.csv", events.attendees_csv, name="event_attendees_csv"),
    path("events/<int:pk>/what-changed/", events.what_changed, name="event_what_changed"),
]
pipeline = [
    path("pipeline/", pipeline_views.pipeline, name="pipeline"),
    path("pipeline/add/", pipeline_views.add, name="pipeline_add"),
    path("pipeline/<str:reference>/", pipeline_views.item, name="pipeline_item"),
    path("pipeline/<str:reference>/edit/", pipeline_views.edit, name="pipeline_edit"),
    path("pipeline/<str:reference>/withdraw/", pipeline_views.withdraw, name="pipeline_withdraw"),
    path("pipeline/<str:reference>/link/", pipeline_views.link, name="pipeline_link"),
    path("pipeline/<str:reference>/follow/", pipeline_views.follow, name="pipeline_follow"),
]
contracts = [
    path("contracts/", contract_views.register, name="contracts"),
    path("contracts/contracts.csv", contract_views.download, name="contracts_csv"),
    path("contracts/record/", contract_views.record, name="record_contract"),
    path("contracts/<str:reference>/", contract_views.detail, name="contract"),
    path("contracts/<str:reference>/pledges/add/", contract_views.add_pledge, name="add_pledge"),
    path(
        "contracts/<str:reference>/pledges/<int:pk>/remove/",
        contract_views.remove_pledge,
        name="remove_pledge",
    ),
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
