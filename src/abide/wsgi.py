"""The WSGI application that `abide serve` runs."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abide.settings")
application = get_wsgi_application()
