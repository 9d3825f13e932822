from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The layer on top of every app: the signed-in home page and the demo seed compose them
    all, so they live here rather than in ``portal``, the ground floor."""

    name = "home"
    verbose_name = _("Home")
