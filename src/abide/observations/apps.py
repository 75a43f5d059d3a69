from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "abide.observations"
    verbose_name = _("Observations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from abide.observations.models import Observation
        from abide.observations.receivers import (
            after_observation_deleted,
            after_observation_saved,
            before_observation_deleted,
            on_observation_changed,
        )
        from abide.observations.signals import observation_changed

        observation_changed.connect(on_observation_changed, dispatch_uid="observations-map-cells")
        pre_delete.connect(
            before_observation_deleted, sender=Observation, dispatch_uid="observations-map-before"
        )
        post_delete.connect(
            after_observation_deleted, sender=Observation, dispatch_uid="observations-map-after"
        )
        post_save.connect(
            after_observation_saved, sender=Observation, dispatch_uid="observations-reseal"
        )
