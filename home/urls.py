from django.urls import path

from home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("open-data/", views.open_data, name="open_data"),
]
