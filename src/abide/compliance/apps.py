from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "abide.compliance"
    verbose_name = _("Compliance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abide.compliance.receivers import on_observation_changed, on_source_ingested
        from abide.observations.signals import observation_changed
        from abide.registry.signals import source_ingested

        observation_changed.connect(on_observation_changed, dispatch_uid="compliance-reassess")
        source_ingested.connect(on_source_ingested, dispatch_uid="compliance-retractions")
