from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("api/ocds/releases/", views.releases, name="releases"),
    path("api/ocds/releases.jsonl.gz", views.bulk_file, name="bulk"),
    path("api/ocds/records/<str:ocid>/", views.record, name="record"),
]
