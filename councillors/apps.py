from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncillorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "councillors"
    verbose_name = _("Councillors' digest and signposting")
