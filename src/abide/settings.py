"""abide's one settings module; every value that varies comes from the environment (see README)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from abide import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.data_dir()
env.keep_private(DATA_DIR)  # umask 077: the data directory 0700, the files abide creates 0600

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.envbool("ABIDE_DEBUG", False)
ALLOWED_HOSTS = env.envlist("ABIDE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.envlist(
    "ABIDE_CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1", "http://localhost"]
)
SYSTEM_USERNAME = env.envstr("ABIDE_SYSTEM_USER", "abide-system")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # /api/docs: Swagger UI from the package's own static files, no CDN
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "abide.accounts",
    "abide.audit",
    "abide.registry",
    "abide.observations",
    "abide.compliance",
    "abide.reports",
    "abide.core",
    "abide.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out a session idle too long or older than its maximum age, before anything else.
    "abide.accounts.middleware.SessionLimitsMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor...
    "django_otp.middleware.OTPMiddleware",
    # ...and, for the roles that need one, nothing else is served until it has.
    "abide.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: it turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The public's reads from the read replica, when one is configured.
    "abide.core.replica.PublicReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    "abide.core.middleware.ApiHeadAsGet",
    # Innermost: the public's reads answered from the cache (abide.core.public_cache), after
    # the user, the language, the CSRF token and the database of the public's reads are known.
    "abide.core.public_cache.PublicCacheMiddleware",
]

ROOT_URLCONF = "abide.urls"
WSGI_APPLICATION = "abide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "abide.web.context_processors.desk",
            ],
            # ``|shown``: ingested text without its invisible bidirectional controls.
            "builtins": ["abide.web.templatetags.shown_text"],
        },
    },
]

DATABASES = {"default": env.database(DATA_DIR)}
#: A streaming replica of the primary (DATABASE_REPLICA_URL): the public's reads go to it
#: (``abide.core.replica``); writes, the mission's users, commands and the worker use default.
if (_replica := env.replica_database()) is not None:
    DATABASES["replica"] = _replica
ABIDE_PUBLIC_READS_FROM_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["abide.core.replica.ReplicaRouter"]

#: Background work (extraction of uploaded sources, reassessment after imports) is queued in the
#: database and run by `abide worker` (one worker; `abide demo` starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: The largest evidence file accepted, in bytes (50 MiB).
ABIDE_EVIDENCE_MAX_BYTES = env.envint("ABIDE_EVIDENCE_MAX_BYTES", 50 * 1024 * 1024, minimum=1)

#: The map's tiles, e.g. ``https://tiles.example.org/{z}/{x}/{y}.png``: empty for none (the
#: map then draws the country outlines shipped with abide), and their attribution.
ABIDE_MAP_TILE_URL = env.tile_url("ABIDE_MAP_TILE_URL")
ABIDE_MAP_TILE_ATTRIBUTION = env.envstr("ABIDE_MAP_TILE_ATTRIBUTION")

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
#: Argon2 first: new passwords and every password signed in with are hashed with it; the others
#: only check passwords hashed before it was first (and are then replaced by Argon2 at sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
#: Axes first: it refuses a sign-in while the account or the address is locked out; the model
#: backend then checks the password. API tokens are checked by the API itself
#: (``abide.accounts.api_auth``), not by a backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in lockout (django-axes): after ABIDE_LOGIN_FAILURE_LIMIT failed sign-ins for one user
# name, or from one address, both are refused for ABIDE_LOGIN_COOLOFF_MINUTES. Failures made
# while locked out do not extend the lockout; a success does not forgive an address's failures.
AXES_FAILURE_LIMIT = env.envint("ABIDE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.envint("ABIDE_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
#: The lockout page: translated, in the site's frame, 429 with Retry-After.
AXES_LOCKOUT_CALLABLE = "abide.accounts.signin.locked_out"
#: The address is REMOTE_ADDR unless ABIDE_TRUSTED_PROXIES says how many proxies in front of
#: abide append to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "abide.accounts.signin.client_address"
ABIDE_TRUSTED_PROXIES = env.envint("ABIDE_TRUSTED_PROXIES", 0, minimum=0)
#: `abide serve`: per worker process, the requests held waiting for a thread beyond those being
#: served, and the longest wait for a thread; beyond either, a quick 503 (abide.core.admission).
ABIDE_MAX_QUEUE = env.envint("ABIDE_MAX_QUEUE", 32, minimum=0)
ABIDE_MAX_QUEUE_MS = env.envint("ABIDE_MAX_QUEUE_MS", 500, minimum=0)

#: The cache of the public's reads (abide.core.public_cache): on (ABIDE_PUBLIC_CACHE), for
#: the paths under ABIDE_PUBLIC_CACHE_PATHS, each answer kept at most
#: ABIDE_PUBLIC_CACHE_SECONDS (a change made by abide's services shows at once: it moves the
#: data version in the key), at most ABIDE_PUBLIC_CACHE_ENTRIES answers per server process.
ABIDE_PUBLIC_CACHE = env.envbool("ABIDE_PUBLIC_CACHE", True)
ABIDE_PUBLIC_CACHE_SECONDS = env.envint("ABIDE_PUBLIC_CACHE_SECONDS", 300, minimum=1)
ABIDE_PUBLIC_CACHE_PATHS = env.envlist(
    "ABIDE_PUBLIC_CACHE_PATHS",
    [
        "/api/commitments",
        "/api/observations",
        "/api/demands",
        "/tracker/",
        "/commitments/",
        "/observations/",
        "/map/",
        "/parties/",
    ],
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "abide-public",
        "OPTIONS": {
            "MAX_ENTRIES": env.envint("ABIDE_PUBLIC_CACHE_ENTRIES", 1000, minimum=1),
            "CULL_FREQUENCY": 4,
        },
    },
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("hy", _("Armenian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # served from the apps by WhiteNoise (WHITENOISE_USE_FINDERS)
WHITENOISE_USE_FINDERS = True
#: Leaflet and Leaflet.draw from django-leaflet's own files (the package is not an installed app:
#: its admin widgets need GDAL). Pages load them as ``{% static 'leaflet/leaflet.js' %}``; the
#: country outlines shipped with abide as ``{% static 'outlines/countries.geojson' %}``.
STATICFILES_DIRS = [
    env.package_static("leaflet"),
    ("outlines", BASE_DIR / "geo" / "outlines"),
]
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
#: A session ends after ABIDE_SESSION_IDLE_MINUTES without a request, and in any case
#: ABIDE_SESSION_MAX_HOURS after its sign-in (``abide.accounts.middleware``); the cookie and
#: the stored session do not outlive the maximum.
ABIDE_SESSION_IDLE_MINUTES = env.envint("ABIDE_SESSION_IDLE_MINUTES", 60, minimum=1)
ABIDE_SESSION_MAX_HOURS = env.envint("ABIDE_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = ABIDE_SESSION_MAX_HOURS * 3600
#: Second factor (django-otp): analysts, heads of mission and administrators confirm a sign-in
#: with a code from an authenticator app (TOTP); the app shows the account under this name.
OTP_TOTP_ISSUER = env.envstr("ABIDE_OTP_ISSUER", "abide")
SESSION_COOKIE_SECURE = env.envbool("ABIDE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "abide.core.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["stderr"], "level": env.envstr("ABIDE_LOG_LEVEL", "WARNING").upper()},
}

# --- Data at rest: restricted evidence sealed, backups -------------------------------------
#: The key sealing the evidence files of restricted observations (AES-256-GCM):
#: ABIDE_EVIDENCE_KEY (base64 of 32 bytes) or ABIDE_EVIDENCE_KEY_FILE, outside the data
#: directory. None: evidence cannot be added to restricted observations.
ABIDE_EVIDENCE_KEY = env.evidence_key(DATA_DIR)

# --- HTTPS and Content-Security-Policy -------------------------------------------------------
# Behind a proxy that terminates TLS (ABIDE_BEHIND_TLS_PROXY), the proxy's X-Forwarded-Proto
# says whether the request came over HTTPS; abide then redirects plain HTTP to HTTPS
# (ABIDE_SSL_REDIRECT), asks browsers to use HTTPS only (ABIDE_HSTS_SECONDS) and sends its
# cookies only over HTTPS (ABIDE_SECURE_COOKIES). See the README, "Production settings".
if env.envbool("ABIDE_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.envbool("ABIDE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.envint("ABIDE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.envbool("ABIDE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.envbool("ABIDE_HSTS_PRELOAD", False)
#: Deliberate choices that `check --deploy` would otherwise warn about: HSTS covers this host
#: only unless ABIDE_HSTS_INCLUDE_SUBDOMAINS (subdomains may serve other sites over plain HTTP),
#: and is not submitted for preloading unless ABIDE_HSTS_PRELOAD.
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if SECURE_HSTS_SECONDS and not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD else []),
]

#: Every page says where its scripts, styles, images and requests may come from: abide itself
#: only (scripts carry no inline code; the map's tiles are the one other host, when set).
#: Styles allow inline ``style`` attributes (the map's legend, Leaflet, Swagger UI); no script
#: runs from an attribute or an inline block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *env.tile_origin(ABIDE_MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
