from django import template

from tracking.models import Category

register = template.Library()


@register.filter
def category(value):
    """``{{ assessment.decided_category|category }}``: ``3 – Not achieved (progress made)``."""
    if value in (None, ""):
        return ""
    category = Category(value)
    return f"{category.value} – {category.label}"
