"""A page whose query PostgreSQL stops at a 50 ms statement timeout, for the slow-query test."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")


urlpatterns = [path("slow/", slow), path("", include("portal.urls"))]
