"""What every app's admin classes share."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError

from portal.forms import fits


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only the portal's own jobs and actions write: site admins look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's search-as-you-type box for a foreign key, redrawn safely after a bad value.

    Django's own box looks up the submitted value to label it when a form is
    shown again, and a value that is not an id (``"abc"``, NUL, or on SQLite
    a number too big for the column) makes that lookup raise: a server error
    instead of the form's own "Select a valid choice". Values the key cannot
    hold are left out of it.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value):
        column = self.field.target_field
        try:
            column.to_python(value)
        except ValidationError:
            return False
        return "\x00" not in str(value) and fits(column, value, using=self.db or "default")


class TolerantAutocompleteMixin:
    """For a ModelAdmin with ``autocomplete_fields``: use ``TolerantAutocompleteSelect``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
