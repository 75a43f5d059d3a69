from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "abide.compliance"
    verbose_name = _("Compliance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abide.compliance.receivers import on_observation_changed
        from abide.observations.signals import observation_changed

        observation_changed.connect(on_observation_changed, dispatch_uid="compliance-reassess")
