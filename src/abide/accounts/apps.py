from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "abide.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Notes when each session signed in, for its maximum age.
        from abide.accounts import middleware  # noqa: F401
