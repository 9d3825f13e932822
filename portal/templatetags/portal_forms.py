"""Template filters for the GOV.UK form fields the portal writes out by hand."""

from django import template

register = template.Library()


@register.filter
def options(bound_field):
    """``(value, label, selected)`` for each choice of a select or checkbox field.

    What ``{% for option in field %}`` gives, without building a widget and its
    context for every choice: a filter form lists 69 wards and every publisher
    on each search, and those widgets were a fifth of the page's time.
    """
    chosen = bound_field.value()
    if not isinstance(chosen, list | tuple):
        chosen = [chosen]
    chosen = {"" if value is None else str(value) for value in chosen}
    for value, label in bound_field.field.choices:
        value = "" if value is None else str(value)
        yield value, label, value in chosen
