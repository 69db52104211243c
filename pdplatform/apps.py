from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PdplatformConfig(AppConfig):
    name = "pdplatform"
    verbose_name = _("Platform")
