"""Blogsite settings, read from the environment.

With nothing set, the site runs in development on SQLite with a file cache that all of the machine's
processes share (blogsite/cache.py). `DATABASE_URL` switches to PostgreSQL and `REDIS_URL` to Redis. With
`DEBUG=0`, `SECRET_KEY` and `ALLOWED_HOSTS` are required. What the environment leaves unset may come from the
checkout's `.env` (`ENV_FILE`), which `make run` writes; tests never read it.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from blogsite.socialproviders import social_providers

BASE_DIR = Path(__file__).resolve().parent.parent

# `make run` writes a git-ignored `.env` (DEBUG=1 and a development SECRET_KEY of the checkout's own), so that
# `manage.py` works in the checkout with nothing exported. Its lines only fill in what the environment leaves
# unset, taken as written (no `${…}` expansion). A production host has none and needs its SECRET_KEY. Tests never
# read it, nor do the processes they start (pytest sets PYTEST_VERSION for both): the suite runs on the
# environment alone, whatever a developer keeps in `.env` (a DATABASE_URL, say).
if "PYTEST_VERSION" not in os.environ:
    load_dotenv(os.environ.get("ENV_FILE", "").strip() or BASE_DIR / ".env", override=False, interpolate=False)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: with DEBUG=0 Blogsite needs a SECRET_KEY in the environment to start."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105  # nosec B105 # only when DEBUG is on; production refuses to start without SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: with DEBUG=0 list the site's host names in ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "blogsite.apps.BlogsiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    # The queue and the mail outbox, below accounts: every app may queue work and mail through it.
    "background",
    # The blocked sites, below mentions and federation: both ask it, and neither imports the other.
    "blocklist",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "accounts",
    "library",
    "posts",
    "comments",
    # Moderation decisions and their log, above comments and posts: it changes both.
    "moderation",
    "community",
    "transfer",
    "federation",
    "mentions",
    "demo",
    "pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers If-None-Match / If-Modified-Since with 304, for cached pages too: it sits above the page cache.
    "django.middleware.http.ConditionalGetMiddleware",
    # An ActivityPub client asking for a blog or a post gets its actor or Article, never a cached page.
    "federation.middleware.ActivityPubNegotiationMiddleware",
    "pagecache.middleware.AnonymousPageCacheMiddleware",
    # Below the page cache, so that cached post pages keep their `Link: rel="webmention"` header.
    "mentions.middleware.WebmentionLinkMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language: the language switch's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a request's body: limits uploads to the dashboard's import.
    "transfer.middleware.ImportUploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.SocialProviderErrorMiddleware",
    # A signed-in person's own language and time zone, from their profile, over the visitor's.
    "accounts.middleware.PreferencesMiddleware",
    "blogsite.middleware.RejectNulInPathMiddleware",
    "transfer.middleware.LegacyRedirectMiddleware",
]

ROOT_URLCONF = "blogsite.urls"
WSGI_APPLICATION = "blogsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blogsite.context_processors.site",
                "blogsite.context_processors.moderation",
                "community.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write to one file (gunicorn's workers and the task worker). Each write transaction takes
    # the lock when it begins, so that two never deadlock half-way and fail at once with "database is locked";
    # readers never wait for the writer (WAL); a writer waits up to 20 s for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "blogsite"),
        }
    }
else:
    # Without Redis, every process of this machine (gunicorn's workers, the task worker, manage.py) shares
    # one cache in files, so that a change seen by one worker invalidates the pages of all of them and the
    # login lockout and rate limits count every attempt (see blogsite/cache.py). By default it lives in the
    # temporary folder, named after this checkout and its database, so that two sites never share one.
    _database = "|".join(str(DATABASES["default"].get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME"))
    _cache_name = hashlib.sha256(f"{BASE_DIR}|{_database}".encode()).hexdigest()[:16]
    CACHES = {
        "default": {
            "BACKEND": "blogsite.cache.SharedFileCache",
            "LOCATION": env("CACHE_DIR") or os.path.join(tempfile.gettempdir(), f"blogsite-cache-{_cache_name}"),
            "OPTIONS": {"MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", "20000"))},
        }
    }
# A signed-in reader's session is read from the cache (Redis, or the files every process shares), and
# written through to the database, which keeps it when the cache drops it: no query on most requests
# (Django's `cached_db`, see accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Anonymous pages and comment threads are cached this long at most (0: not at all). Changes show at once
# (see blogsite/versions.py); the limit only bounds what time alone changes, such as comments closing.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
# What a proxy or CDN in front may do with those anonymous pages (Cache-Control): keep one this long
# (`s-maxage`; 0: not at all), then serve it this much longer while it fetches it again in the background
# (`stale-while-revalidate`). Unlike the site's own cache, a shared cache hears of no change: a change
# shows there within SHARED_CACHE_SECONDS.
SHARED_CACHE_SECONDS = int(env("SHARED_CACHE_SECONDS", "60"))
STALE_WHILE_REVALIDATE_SECONDS = int(env("STALE_WHILE_REVALIDATE_SECONDS", "300"))

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, each reading a signed-in member's account from the cache (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth 65.x
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Blogsite] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Changing the email address or the password, and deleting the account, ask for the password (or a second
# factor) again when the last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (300 s).
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# Social sign-in (allauth.socialaccount): GitHub, Google and any OpenID Connect server, each on when its
# credentials are in the environment (blogsite/socialproviders.py) or added in the admin. The first sign-in
# asks for a username (the blog's address), checked as at sign-up. An address the provider vouches for
# that belongs to an existing account signs in to it only with SOCIALACCOUNT_EMAIL_AUTHENTICATION=1 (trust
# every configured provider's verification first); otherwise the person is asked to sign in and connect.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = env_bool("SOCIALACCOUNT_EMAIL_AUTHENTICATION", False)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
# Seconds to wait for a provider's server (discovery, token, user info) before the sign-in fails with a message.
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(env("SOCIALACCOUNT_REQUESTS_TIMEOUT", "10"))

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes, and security keys
# or passkeys (WebAuthn), which can also sign in on their own, without a password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow WebAuthn on https:// and on http://localhost; development also serves http://127.0.0.1.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff (moderators included) must turn on a second factor before they may use the admin or moderate
# comments. On by default in production; off under DEBUG (and in tests) unless set.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)
# The sessions page (allauth.usersessions) lists where each account is signed in, with when each session was
# last seen: accounts.middleware.SessionActivityMiddleware records that every few minutes.
USERSESSIONS_TRACK_ACTIVITY = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en"
# The languages the interface is offered in, each in its own name, with a catalogue in locale/ (`make messages`
# refreshes them; the compiled .mo files are committed, so that running the site needs no gettext). A language
# whose catalogue has not landed yet shows the English strings (right to left for Arabic) until it does.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("es", "Español"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates are written with the named formats (`|date:"DATE_FORMAT"`), so each language gets its own; English
# keeps day-month-year (blogsite/formats/en/formats.py).
FORMAT_MODULE_PATH = ["blogsite.formats"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads go through Django's storage API. Naming a bucket puts them on S3 or any S3-compatible store
# (MinIO, Ceph, R2…) through django-storages; credentials may also come from the usual AWS_* variables
# or an instance role, which boto3 reads itself.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
MEDIA_ORIGINS: list[str] = []
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_S3_URL_PROTOCOL = env("AWS_S3_URL_PROTOCOL", "https:")
    # Path-style URLs on a custom endpoint (`endpoint/bucket/key`) work with every S3-compatible server.
    AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE") or ("path" if AWS_S3_ENDPOINT_URL else None)
    # Media is public (avatars, covers): plain URLs stay valid inside cached pages, where signed ones
    # would expire. Set AWS_QUERYSTRING_AUTH=1 for a private bucket (and keep PAGE_CACHE_SECONDS shorter
    # than AWS_QUERYSTRING_EXPIRE).
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_QUERYSTRING_EXPIRE = int(env("AWS_QUERYSTRING_EXPIRE", "3600"))
    # A new upload never replaces an older file of the same name, which cached pages may still show.
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS.append(f"{AWS_S3_URL_PROTOCOL}//{AWS_S3_CUSTOM_DOMAIN}")
    elif AWS_S3_ENDPOINT_URL:
        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        MEDIA_ORIGINS.append(f"{endpoint.scheme}://{endpoint.netloc}")
    else:
        MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
        if AWS_S3_REGION_NAME:
            MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com")

# Export files uploaded for import wait here until their import is done. They hold commenters' addresses,
# so they live outside MEDIA_ROOT, never served; the web process and the task workers must share it.
IMPORTS_ROOT = Path(env("IMPORTS_ROOT", str(BASE_DIR / "imports")))
STORAGES["imports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": IMPORTS_ROOT, "base_url": None},
}
# The largest export file the dashboard accepts, in megabytes, and how much a Blogger Takeout zip may
# unpack to (an upload that claims more is refused before any of it is unpacked).
IMPORT_MAX_UPLOAD_MB = int(env("IMPORT_MAX_UPLOAD_MB", "200"))
IMPORT_MAX_UNZIPPED_MB = int(env("IMPORT_MAX_UNZIPPED_MB", "1000"))
# Webmention (mentions/): `WEBMENTIONS=0` stops receiving and sending them (as does `FEDERATION=0`). Sources
# and the pages linked to are fetched under the guard of blogsite/fetch.py, at most WEBMENTION_FETCH_MAX_MB
# in at most WEBMENTION_FETCH_TIMEOUT seconds. One site (a source's host) may send at most
# WEBMENTION_RATE_LIMIT in WEBMENTION_RATE_WINDOW seconds. A send that fails for a while is tried again after
# WEBMENTION_RETRY_SECONDS, then twice as long each time (at most six hours apart), WEBMENTION_MAX_ATTEMPTS
# times in all.
WEBMENTIONS = env_bool("WEBMENTIONS", True)
WEBMENTION_FETCH_MAX_MB = float(env("WEBMENTION_FETCH_MAX_MB", "1"))
WEBMENTION_FETCH_TIMEOUT = float(env("WEBMENTION_FETCH_TIMEOUT", "10"))
WEBMENTION_RATE_LIMIT = int(env("WEBMENTION_RATE_LIMIT", "30"))
WEBMENTION_RATE_WINDOW = int(env("WEBMENTION_RATE_WINDOW", "3600"))
WEBMENTION_MAX_ATTEMPTS = int(env("WEBMENTION_MAX_ATTEMPTS", "6"))
WEBMENTION_RETRY_SECONDS = float(env("WEBMENTION_RETRY_SECONDS", "300"))
# Days a refused, removed or never verified webmention's receipt, and a finished send for a post or link that
# is gone, are kept before `prune_records` deletes them.
WEBMENTION_KEEP_DAYS = float(env("WEBMENTION_KEEP_DAYS", "30"))
# WebSub (posts/websub.py): a hub's address (https://hub.example/). When set, feeds name it, and publishing or
# changing a post pings it, through the task queue, for the feeds the post is in; a ping that fails for a while
# is tried again after WEBSUB_RETRY_SECONDS, then twice as long each time, WEBSUB_MAX_ATTEMPTS times in all.
# Empty (the default): off.
WEBSUB_HUB = env("WEBSUB_HUB", "")
if WEBSUB_HUB and (urlsplit(WEBSUB_HUB).scheme not in ("http", "https") or not urlsplit(WEBSUB_HUB).hostname):
    raise ImproperlyConfigured(f"WEBSUB_HUB={WEBSUB_HUB!r}: give the hub's address, https://hub.example/ say.")
WEBSUB_MAX_ATTEMPTS = int(env("WEBSUB_MAX_ATTEMPTS", "5"))
WEBSUB_RETRY_SECONDS = float(env("WEBSUB_RETRY_SECONDS", "60"))
# Fetching an imported blog's pictures: the largest picture in MB, the seconds one fetch may take in all,
# and networks (CIDR, comma-separated) that may be fetched from although private or local (none: only
# public addresses).
IMPORT_FETCH_MAX_MB = int(env("IMPORT_FETCH_MAX_MB", "15"))
IMPORT_FETCH_TIMEOUT = float(env("IMPORT_FETCH_TIMEOUT", "20"))
IMPORT_FETCH_ALLOWED_NETWORKS = [n.strip() for n in env("IMPORT_FETCH_ALLOWED_NETWORKS", "").split(",") if n.strip()]
# Every other outgoing fetch of an address that comes from outside (blogsite/fetch.py: fediverse actors and
# inboxes, webmention sources) reaches public addresses only, and these networks (CIDR, comma-separated).
FETCH_ALLOWED_NETWORKS = env_list("FETCH_ALLOWED_NETWORKS")

# Federation (federation/): blogs as ActivityPub actors that fediverse servers follow. FEDERATION=0 turns all
# of it off (its addresses answer 404 and nothing is delivered). Ids and links use SITE_URL: set it.
FEDERATION = env_bool("FEDERATION", True)
# Incoming activities: the largest body taken, how far a signature's date may be from now (Mastodon's
# 12 hours, either way), and how many activities one instance may deliver per minute (0: no limit).
FEDERATION_MAX_BODY_BYTES = int(env("FEDERATION_MAX_BODY_KB", "256")) * 1024
FEDERATION_MAX_SKEW_SECONDS = int(env("FEDERATION_MAX_SKEW_SECONDS", str(12 * 3600)))
FEDERATION_INBOX_RATE_PER_MINUTE = int(env("FEDERATION_INBOX_RATE_PER_MINUTE", "300"))
# Fetching remote actors and keys: the largest document and the seconds one key's lookup may take in all.
FEDERATION_FETCH_MAX_BYTES = 1024 * 1024
FEDERATION_FETCH_TIMEOUT = float(env("FEDERATION_FETCH_TIMEOUT", "10"))
# Deliveries: tries per inbox, the wait after the first failure (doubling, at most 6 hours), and how many
# days an instance may fail every delivery before nothing more is sent to it.
FEDERATION_MAX_ATTEMPTS = int(env("FEDERATION_MAX_ATTEMPTS", "10"))
FEDERATION_RETRY_SECONDS = float(env("FEDERATION_RETRY_SECONDS", "60"))
FEDERATION_GIVE_UP_DAYS = float(env("FEDERATION_GIVE_UP_DAYS", "7"))
# Days finished deliveries, and the activities they carried, are kept before `prune_records` deletes them (a
# post's last activity stays while the post exists: it says what its followers were told). Seen signatures are
# kept for twice FEDERATION_MAX_SKEW_SECONDS, the time a signed request's date can stay acceptable.
FEDERATION_KEEP_DAYS = float(env("FEDERATION_KEEP_DAYS", "30"))

# The site itself answers `/media/` from MEDIA_ROOT (on in development and under `make serve`), so that a
# site run with gunicorn alone shows its pictures; behind a proxy that serves MEDIA_ROOT, turn it off.
# Never with a bucket: the pages then link to the bucket.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG) and not AWS_STORAGE_BUCKET_NAME

# The media library (library/): pictures in posts. Each upload is at most PICTURE_MAX_UPLOAD_MB and
# PICTURE_MAX_MEGAPIXELS (checked before decoding); each user stores at most PICTURE_QUOTA_MB of originals.
# Renditions at these widths (never wider than the picture) are made in the background.
PICTURE_MAX_BYTES = int(float(env("PICTURE_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
PICTURE_MAX_PIXELS = int(float(env("PICTURE_MAX_MEGAPIXELS", "40")) * 1_000_000)
PICTURE_QUOTA_BYTES = int(float(env("PICTURE_QUOTA_MB", "1024")) * 1024 * 1024)
PICTURE_RENDITION_WIDTHS = (480, 960, 1600, 2400)

# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds an SMTP connection may block (connecting, each command): a mail server that hangs fails the attempt,
# which is retried later, instead of holding a worker forever.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Blogsite <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (see background/): django-tasks, the backport of Django 6's django.tasks.
# `database` (the production default) keeps the queue in DATABASE_URL's database, worked by
# `manage.py run_worker`; `rq` puts it on REDIS_URL's Redis, worked by the same command; `immediate` (the
# default with DEBUG on, and in tests) runs each task in the web process as soon as the transaction that
# queued it commits, so that development needs no worker.
TASKS_BACKEND = env("TASKS_BACKEND", "immediate" if DEBUG else "database").lower()
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {', '.join(TASK_BACKENDS)}.")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL, the Redis that holds the queue.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(env("TASKS_RQ_TIMEOUT", "3600"))}}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# /healthz answers 503 once the oldest task that is due has waited longer than this many seconds.
TASKS_MAX_WAIT_SECONDS = int(env("TASKS_MAX_WAIT_SECONDS", "300"))
# Database workers write a heartbeat this often; a worker silent for TASKS_WORKER_LOST_SECONDS is taken for
# dead (killed, or its machine gone) and the task it was running goes back on the queue.
TASKS_HEARTBEAT_SECONDS = float(env("TASKS_HEARTBEAT_SECONDS", "10"))
TASKS_WORKER_LOST_SECONDS = float(env("TASKS_WORKER_LOST_SECONDS", "120"))
# Mail goes through the outbox (background/mail.py): a failed delivery is tried again after MAIL_RETRY_SECONDS,
# then twice as long each time (at most an hour apart), MAIL_MAX_ATTEMPTS times in all before it is marked
# failed for staff to see and send again from the admin.
MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "8"))
MAIL_RETRY_SECONDS = float(env("MAIL_RETRY_SECONDS", "60"))
# Days sent and failed mail stay in the outbox (for staff to read, and to keep an event's mail from going twice)
# before `prune_records` deletes them.
MAIL_KEEP_DAYS = float(env("MAIL_KEEP_DAYS", "90"))
# Days a finished task (succeeded or failed) stays on the database queue, for the admin to show, before
# `prune_records` deletes it.
TASKS_KEEP_DAYS = float(env("TASKS_KEEP_DAYS", "14"))

# Security. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=1 so that Django trusts its
# X-Forwarded-Proto header, and turn the HTTPS-only settings on.
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the site append to X-Forwarded-For: with it, allauth's rate limits and the
# comments' (see comments.views.client_ip) count each reader's own address rather than the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and SECURE_SSL_REDIRECT)
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Bloggers link pictures hosted elsewhere (and imported Blogger and WordPress posts are full of them): let
# pages show images from any HTTPS host. Set REMOTE_IMAGES=0 to keep readers' browsers on this site alone.
REMOTE_IMAGES = env_bool("REMOTE_IMAGES", True)
# Content-Security-Policy (django-csp 4): scripts and styles only from our own files, never inline; images
# also from data: URIs (Bootstrap's icons), the media store and, with REMOTE_IMAGES, any HTTPS host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS, *(["https:"] if REMOTE_IMAGES else [])],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}
if not SECURE_HSTS_PRELOAD:
    # Submitting a domain to the browsers' HSTS preload list is the operator's decision, not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

SITE_NAME = env("SITE_NAME", "Blogsite")
# The name an authenticator app shows beside the account's codes.
MFA_TOTP_ISSUER = SITE_NAME
# The site's public address (https://blogs.example) for links made outside a request: mail, fediverse ids,
# webmentions, WebSub (blogsite/addresses.py).
SITE_URL = env("SITE_URL")

# Who may write: any verified user, or (when off) the group `Bloggers` and staff.
OPEN_AUTHORING = env_bool("OPEN_AUTHORING", True)
# Comments close this many days after a post's publication (0: never).
COMMENTS_CLOSE_AFTER_DAYS = int(env("COMMENTS_CLOSE_AFTER_DAYS", "0"))
# Readers' comments on posts older than this many days wait for approval, whoever writes them (0: never).
COMMENTS_HOLD_AFTER_DAYS = int(env("COMMENTS_HOLD_AFTER_DAYS", "0"))
# Email subscriptions a visitor's IP address may ask for per hour (0: no limit).
GUEST_SUBSCRIBE_RATE_PER_HOUR = int(env("GUEST_SUBSCRIBE_RATE_PER_HOUR", "10"))
# Comment rate limit per user and per IP, in comments per minute.
COMMENTS_RATE_PER_MINUTE = int(env("COMMENTS_RATE_PER_MINUTE", "5"))
# Revisions kept per post; older ones are dropped as new saves come in.
POST_REVISIONS_KEEP = max(1, int(env("POST_REVISIONS_KEEP", "50")))

# Logs go to stdout as JSON lines (one object per record, tracebacks included), for the process manager
# or container runtime to collect; LOG_FORMAT=plain gives readable lines in development.
LOG_FORMAT = env("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "blogsite.logs.JSONFormatter"},
    },
    "filters": {"refusals_at_info": {"()": "blogsite.logs.RefusalsAtInfo"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers would print a second copy (DEBUG) or try to mail ADMINS; records reach the
        # root handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["refusals_at_info"]},
        "django.db.backends": {"level": "WARNING"},
    },
}
