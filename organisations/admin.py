from django.contrib import admin

from organisations.models import Councillor, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Councillor)
class CouncillorAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "party"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["wards"]
    autocomplete_fields = ["user"]
