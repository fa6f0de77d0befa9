"""courtvcs settings: one module, configured from the environment.

The defaults are the embedded run: SQLite, the in-memory channel layer and the
database task backend, so that one process on one machine runs everything.
"""

import datetime as dt
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from courtvcs.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COURTVCS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The embedded run uses a fixed development key; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "courtvcs-embedded-development-key-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    # Issue 7: staff sign in with a password and a TOTP code.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "courtvcs.orgs",
    "courtvcs.audit",
    "courtvcs.notifications",
    "courtvcs.hearings",
    "courtvcs.suspensions",
    "courtvcs.interrogations",
    "courtvcs.live",
    "courtvcs.documents",
    "courtvcs.publishing",
    "courtvcs.ops",
    "courtvcs.idempotency",
]

MIDDLEWARE = [
    # First, so that every answer gets a request id, a log context and its metrics.
    "courtvcs.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Django's CSP middleware, with the WebSocket origins of the page's own host and of the
    # Janus pool added to connect-src for each answer (SECURE_CSP below).
    "courtvcs.ops.csp.ContentSecurityPolicyMiddleware",
    # Serves the static files from the same process in the embedded run and in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Issue 7: request.user.is_verified(); staff without a verified second factor reach
    # only the sign-in steps.
    "django_otp.middleware.OTPMiddleware",
    # Issue 7: the idle and absolute limits of a staff session (courtvcs.orgs.sessions).
    "courtvcs.orgs.middleware.SessionLimitsMiddleware",
    "courtvcs.orgs.middleware.SecondFactorMiddleware",
    "courtvcs.orgs.middleware.UserLanguageMiddleware",
    # After sign-in is known: a retried creating POST with the same Idempotency-Key gets the
    # first answer (courtvcs.idempotency).
    "courtvcs.idempotency.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Issue 7: turns a sign-in past the failure limit into the lockout answer. Last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "courtvcs.urls"
ASGI_APPLICATION = "courtvcs.asgi.application"
WSGI_APPLICATION = "courtvcs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "courtvcs" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # csp_nonce: the nonce="..." of the pages' inline scripts.
                "django.template.context_processors.csp",
                "courtvcs.navigation.workspace",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'courtvcs.sqlite3'}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two bookings that
    # race each other are serialised instead of both reading "free" (R10).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling costs more than it saves on this service's short queries (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A bounded pool per process (docs/deploy.md, "PostgreSQL"): without it every request in
    # flight holds its own connection, and one busy process can take all of max_connections.
    # COURTVCS_DB_POOL_MAX=0 turns it off (e.g. behind pgbouncer in transaction mode).
    _pool_max = int(os.environ.get("COURTVCS_DB_POOL_MAX", "10"))
    if _pool_max > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, Django must not
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": min(int(os.environ.get("COURTVCS_DB_POOL_MIN", "2")), _pool_max),
            "max_size": _pool_max,
            "timeout": float(os.environ.get("COURTVCS_DB_POOL_TIMEOUT", "30")),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTH_PASSWORD_VALIDATORS = [
    # Django's checks, with their texts in our catalogue (Django's Kazakh one lacks them).
    {"NAME": "courtvcs.orgs.password_validators.UserAttributeSimilarityValidator"},
    {"NAME": "courtvcs.orgs.password_validators.MinimumLengthValidator"},
    {"NAME": "courtvcs.orgs.password_validators.CommonPasswordValidator"},
    {"NAME": "courtvcs.orgs.password_validators.NumericPasswordValidator"},
    {"NAME": "courtvcs.orgs.breached_passwords.BreachedPasswordValidator"},
]
# Issue 7: passwords known from breaches (courtvcs/orgs/breached_passwords.py): a sorted
# SHA-1 list on the server and/or the Pwned Passwords range API (k-anonymity).
COURTVCS_BREACHED_PASSWORDS_FILE = os.environ.get("COURTVCS_BREACHED_PASSWORDS_FILE", "")
COURTVCS_BREACHED_PASSWORDS_API = os.environ.get("COURTVCS_BREACHED_PASSWORDS_API", "")
COURTVCS_BREACHED_PASSWORDS_TIMEOUT = float(os.environ.get("COURTVCS_BREACHED_PASSWORDS_TIMEOUT", "3"))

# Kazakh is the state language and is offered first.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "courtvcs" / "locale"]
USE_I18N = True
# Stored in UTC, shown and entered in Kazakhstan time (one zone, UTC+5, since March 2024).
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "courtvcs" / "static"]
# The app folders are served as they are (no collectstatic step in the embedded run).
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signin"

# E-mail goes to the console in the embedded run; production names an SMTP backend.
MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND",
                                                "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "courtvcs@localhost")

# --- Several nodes (Redis channel layer, workers) ----------------------------------------
# With REDIS_URL the nodes' signalling, console pushes and the task workers' live updates
# cross processes through Redis (docs/deploy.md). Redis pub/sub by default: one PUBLISH per
# message and group, pushed to the subscribed nodes, memberships held by each node so a
# node that dies leaves none behind (no group expiry to outlast a hearing day). "queues" is
# channels-redis' sorted-set layer: messages wait up to `expiry` for a node that is busy,
# at several Redis round trips each (figures: bench/README.md, multinode).
# Pub/sub ignores Redis' database number: the prefix keeps installations on one Redis apart.
REDIS_URL = os.environ.get("REDIS_URL", "")
COURTVCS_CHANNEL_PREFIX = os.environ.get("COURTVCS_CHANNEL_PREFIX", "courtvcs")
if REDIS_URL and os.environ.get("COURTVCS_REDIS_LAYER", "pubsub") == "queues":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        "hosts": [REDIS_URL], "prefix": COURTVCS_CHANNEL_PREFIX,
        # One sorted set holds every message in flight to a node (all its sockets): 100,
        # the default, is reached by one busy room's candidates and quality reports.
        "capacity": 5000, "expiry": 60, "group_expiry": 2 * 24 * 3600}}}
elif REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                                  "CONFIG": {"hosts": [REDIS_URL], "prefix": COURTVCS_CHANNEL_PREFIX}}}
else:
    # 100 messages waiting per page, Channels' default, was reached by a six-site mesh's
    # candidates on a busy machine, and the layer then drops signalling (ChannelFull).
    CHANNEL_LAYERS = {"default": {"BACKEND": "courtvcs.live.layers.CourtInMemoryChannelLayer",
                                  "CONFIG": {"capacity": 2000}}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Issue 7: a staff session ends after this long without activity and this long after sign-in
# (courtvcs.orgs.sessions; 0 turns a limit off). The cookie lives no longer than a session may.
COURTVCS_SESSION_IDLE_MINUTES = int(os.environ.get("COURTVCS_SESSION_IDLE_MINUTES", "30"))
COURTVCS_SESSION_ABSOLUTE_HOURS = int(os.environ.get("COURTVCS_SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = (COURTVCS_SESSION_ABSOLUTE_HOURS * 3600 if COURTVCS_SESSION_ABSOLUTE_HOURS
                      else 14 * 24 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"

# --- Operations (courtvcs.ops, docs/deploy.md) --------------------------------------------
# Logs: readable text by default; LOG_FORMAT=json writes one JSON object a line (UTC time,
# level, logger, message, request id, user id, path), for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))
# One log line per HTTP request (method, route, status, time): on by default with JSON logs,
# where it replaces the ASGI server's access line.
COURTVCS_REQUEST_LOG = env_bool("COURTVCS_REQUEST_LOG", LOG_FORMAT == "json")
# /metrics asks for "Authorization: Bearer <this>"; unset, only a direct scraper on the same
# machine (loopback, no proxy headers) may read it.
COURTVCS_METRICS_TOKEN = os.environ.get("COURTVCS_METRICS_TOKEN", "")

# --- The Rules' timings, in one place -------------------------------------------------
# R15: the connection window opens this many minutes before the start ...
COURTVCS_CONNECTION_WINDOW_MINUTES = 30
# ... and the "not connected" alert goes out this many minutes before the start.
COURTVCS_NOT_CONNECTED_ALERT_MINUTES = 20
# The longest sitting a booking may hold (minutes).
COURTVCS_MAX_DURATION_MINUTES = 12 * 60

# --- The live videoconference (courtvcs.live) -------------------------------------------
# The media plane: browser-to-browser WebRTC (full mesh) in the embedded run. An SFU
# (the Janus gateway) is another class behind the same interface (courtvcs/live/media.py).
COURTVCS_MEDIA_PLANE = os.environ.get("COURTVCS_MEDIA_PLANE", "courtvcs.live.media.MeshPlane")
# A mesh sends every stream to every site: beyond this many sites it needs an SFU.
COURTVCS_P2P_MAX_SITES = int(os.environ.get("COURTVCS_P2P_MAX_SITES", "4"))
# STUN/TURN servers given to browsers, as RTCIceServer dicts in JSON. None are needed on
# one network; across networks set e.g. [{"urls": "stun:stun.example.kz:3478"}].
COURTVCS_ICE_SERVERS = json.loads(os.environ.get("COURTVCS_ICE_SERVERS", "[]"))
# Signalling messages one connection may send: a steady rate per second and a burst.
COURTVCS_SIGNAL_RATE_PER_SECOND = 30
COURTVCS_SIGNAL_BURST = 300
COURTVCS_SIGNAL_MAX_MESSAGE_BYTES = 64 * 1024

# R22: when a link is degraded, and when the judge and secretary are prompted to declare
# a technical break. Each client reports WebRTC statistics every REPORT_SECONDS.
COURTVCS_QUALITY = {
    "REPORT_SECONDS": 2,
    "WINDOW_SECONDS": 10,           # the window the degradation tests look over
    "MAX_AUDIO_LOSS_PERCENT": 5.0,  # audio packets lost, or samples concealed
    "MAX_FREEZE_SECONDS": 2.0,      # video frozen within the window
    "MAX_RTT_MS": 300.0,
    "MIN_SCORE": 40.0,              # the link's score, 0-100 (simplified E-model)
    "PROMPT_AFTER_DEGRADED_SECONDS": 30,
    "PROMPT_AFTER_LOST_SECONDS": 10,
    "PROMPT_AFTER_NO_AUDIO_SECONDS": 5,
}

# R13: the test session's call, and the figures it must reach both ways to pass.
COURTVCS_TEST_CALL = {
    "MEASURE_SECONDS": 15,
    "MAX_RTT_MS": 300.0,
    "MAX_JITTER_MS": 30.0,
    "MAX_LOSS_PERCENT": 2.0,
    "MIN_VIDEO_KBPS": 100.0,
    "MIN_FRAME_RATE": 10.0,
}

# R17, R20: a mobile-VCS link works until this long after the hearing's expected end.
COURTVCS_MOBILE_LINK_GRACE_MINUTES = 120

# --- TURN (coturn) -------------------------------------------------------------------------
# Relay servers for sites whose networks let no direct media through (deploy/coturn/).
# Comma-separated, e.g. "turn:turn.example.kz:3478?transport=udp,turns:turn.example.kz:5349".
# Empty: no TURN (COURTVCS_ICE_SERVERS above still gives the STUN servers).
COURTVCS_TURN_URLS = [u.strip() for u in os.environ.get("COURTVCS_TURN_URLS", "").split(",") if u.strip()]
# coturn's static-auth-secret (use-auth-secret): from the environment or from a file. (The
# realm is coturn's alone, COURTVCS_TURN_REALM in deploy/coturn/run-turnserver.sh.)
COURTVCS_TURN_SECRET = os.environ.get("COURTVCS_TURN_SECRET", "") or (
    Path(os.environ["COURTVCS_TURN_SECRET_FILE"]).read_text().strip()
    if os.environ.get("COURTVCS_TURN_SECRET_FILE") else "")
# A seat's TURN credentials expire this long after its call's expected end.
COURTVCS_TURN_GRACE_MINUTES = int(os.environ.get("COURTVCS_TURN_GRACE_MINUTES",
                                                 str(COURTVCS_MOBILE_LINK_GRACE_MINUTES)))
# "relay": browsers send media only through TURN (sites whose policy forbids direct media).
COURTVCS_ICE_TRANSPORT_POLICY = os.environ.get("COURTVCS_ICE_TRANSPORT_POLICY", "all")
if COURTVCS_TURN_URLS and not COURTVCS_TURN_SECRET:
    raise ImproperlyConfigured("COURTVCS_TURN_URLS is set but COURTVCS_TURN_SECRET(_FILE) is not")
if COURTVCS_ICE_TRANSPORT_POLICY not in {"all", "relay"}:
    raise ImproperlyConfigured('COURTVCS_ICE_TRANSPORT_POLICY is "all" or "relay"')
if COURTVCS_ICE_TRANSPORT_POLICY == "relay" and not COURTVCS_TURN_URLS:
    raise ImproperlyConfigured("COURTVCS_ICE_TRANSPORT_POLICY=relay needs COURTVCS_TURN_URLS")

# R4: recordings, their chunks, and how long they are kept before they are destroyed.
COURTVCS_RECORDINGS_DIR = Path(os.environ.get("COURTVCS_RECORDINGS_DIR", VAR_DIR / "recordings"))
COURTVCS_RECORDING_RETENTION_DAYS = int(os.environ.get("COURTVCS_RECORDING_RETENTION_DAYS", "1825"))
COURTVCS_RECORDING_CHUNK_MAX_BYTES = 16 * 1024 * 1024
COURTVCS_RECORDING_CHUNK_SECONDS = 5

# --- The Janus SFU (courtvcs.live.janus) ---------------------------------------------------
# COURTVCS_MEDIA_PLANE may also be "janus" (every call through Janus) or "mesh". With the
# mesh, a hearing with more sites than COURTVCS_P2P_MAX_SITES goes through Janus when a pool
# is configured. The pool, as JSON: [{"name": "janus-1", "api": "http://10.0.0.5:8088/janus",
# "admin": "http://127.0.0.1:7088/admin", "ws": "wss://{host}/janus-ws/", "api_secret": "...",
# "admin_secret": "...", "room_admin_key": "...", "capacity": 60}]; {host} in "ws" is the
# host the page was served from. The three secrets are the server's (manage.py janus_config).
COURTVCS_JANUS_SERVERS = json.loads(os.environ.get("COURTVCS_JANUS_SERVERS", "[]"))
COURTVCS_JANUS_MAX_SITES = int(os.environ.get("COURTVCS_JANUS_MAX_SITES", "16"))
COURTVCS_JANUS_TIMEOUT_SECONDS = float(os.environ.get("COURTVCS_JANUS_TIMEOUT_SECONDS", "5"))
# The worker closes finished rooms and revokes stray tokens this often (live/tasks.py).
COURTVCS_JANUS_SWEEP_MINUTES = float(os.environ.get("COURTVCS_JANUS_SWEEP_MINUTES", "5"))
# R4: hearing rooms are recorded by Janus too (.mjr files per site, post-processed by
# server_recording); test-session rooms never are. A pool needs this on shared storage.
COURTVCS_JANUS_RECORD = os.environ.get("COURTVCS_JANUS_RECORD", "1") == "1"
COURTVCS_JANUS_RECORDINGS_DIR = Path(os.environ.get("COURTVCS_JANUS_RECORDINGS_DIR",
                                                    VAR_DIR / "janus-recordings"))

# --- Server recording (courtvcs.live.services.server_recording): R4 with the Janus plane.
# Janus' .mjr files are converted with janus-pp-rec (Debian janus-tools) and muxed with ffmpeg
# into one WebM per site, then kept under COURTVCS_RECORDINGS_DIR like the console's recordings.
COURTVCS_JANUS_PP_REC = os.environ.get("COURTVCS_JANUS_PP_REC", "janus-pp-rec")
COURTVCS_FFMPEG = os.environ.get("COURTVCS_FFMPEG", "ffmpeg")
COURTVCS_FFPROBE = os.environ.get("COURTVCS_FFPROBE", "ffprobe")
# A room whose recording could not be attached is tried again this many times in all, the
# n-th retry n * RETRY_SECONDS later; each failure is on the hearing's timeline.
COURTVCS_SERVER_RECORDING_ATTEMPTS = int(os.environ.get("COURTVCS_SERVER_RECORDING_ATTEMPTS", "3"))
COURTVCS_SERVER_RECORDING_RETRY_SECONDS = int(
    os.environ.get("COURTVCS_SERVER_RECORDING_RETRY_SECONDS", "300"))

# --- Documents (courtvcs.documents): R13 letters, R18 acts, R21 protocol marks, R24 notices.
# A directory whose files replace the default document templates of the same name
# (<kind>.<lang>.html, <kind>.<lang>.docx, terms.<lang>.json, _layout.html; docs/documents.md).
# Empty: the defaults in courtvcs/documents/templates/documents/ and courtvcs/documents/docx/.
COURTVCS_DOCUMENT_TEMPLATES_DIR = os.environ.get("COURTVCS_DOCUMENT_TEMPLATES_DIR", "")

# --- Publishing (courtvcs.publishing): R3 public schedule, feeds, outbox to the courts' system.
# The public JSON and iCalendar feeds may be cached this many seconds (display boards poll
# them; a 304 answers an unchanged feed whose ETag the board sends back).
COURTVCS_PUBLIC_FEED_MAX_AGE = int(os.environ.get("COURTVCS_PUBLIC_FEED_MAX_AGE", "60"))
# A court's iCalendar feed: from this many days back to this many days ahead ...
COURTVCS_PUBLIC_FEED_DAYS = (7, 90)
# ... and a cancelled hearing stays in it as STATUS:CANCELLED this many days after cancelling.
COURTVCS_PUBLIC_CANCELLED_DAYS = 14
# The public page and feeds show days within this many days of today.
COURTVCS_PUBLIC_MAX_DAYS_AWAY = 366
# The right-hand part of each hearing's iCalendar UID: keep it when the site's address changes.
COURTVCS_PUBLIC_UID_DOMAIN = os.environ.get("COURTVCS_PUBLIC_UID_DOMAIN", "courtvcs.sud.kz")
# The outbox to the courts' information system: events are always written; they are POSTed
# to this URL (empty: delivery off) signed with HMAC-SHA256 under this secret (docs/publishing.md).
COURTVCS_OUTBOX_URL = os.environ.get("COURTVCS_OUTBOX_URL", "")
COURTVCS_OUTBOX_SECRET = os.environ.get("COURTVCS_OUTBOX_SECRET", "")
COURTVCS_OUTBOX_TIMEOUT_SECONDS = float(os.environ.get("COURTVCS_OUTBOX_TIMEOUT_SECONDS", "5"))
# Retries back off exponentially from the first to the second figure (seconds), with jitter.
COURTVCS_OUTBOX_BACKOFF_SECONDS = (10, 600)
# After this many failed attempts of one event the failure is written to the audit log.
COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS = 10
# The receiver counts as down after this many failures in a row: the run stops and waits.
COURTVCS_OUTBOX_FAILURES_BEFORE_PAUSE = 3

# --- Audit log (courtvcs.audit, docs/audit.md): R5, R6 --------------------------------------
# Signed checkpoints of the audit log's Merkle tree go to this directory, which must NOT live
# in the database nor only on its server (a mount backed up or copied elsewhere).
COURTVCS_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("COURTVCS_AUDIT_CHECKPOINT_DIR",
                                                    VAR_DIR / "audit-checkpoints"))
# The Ed25519 signing key (PEM, PKCS#8). Made on first use unless COURTVCS_AUDIT_SIGNING_KEY is
# set (then the file must exist) or COURTVCS_AUDIT_GENERATE_KEY=0.
COURTVCS_AUDIT_SIGNING_KEY = Path(os.environ.get("COURTVCS_AUDIT_SIGNING_KEY",
                                                 VAR_DIR / "audit-signing-key.pem"))
COURTVCS_AUDIT_GENERATE_KEY = env_bool("COURTVCS_AUDIT_GENERATE_KEY",
                                       "COURTVCS_AUDIT_SIGNING_KEY" not in os.environ)
COURTVCS_AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("COURTVCS_AUDIT_CHECKPOINT_MINUTES", "5"))
# The first line of every checkpoint: names the log, so a checkpoint of one installation is
# never taken for another's.
COURTVCS_AUDIT_LOG_ORIGIN = os.environ.get("COURTVCS_AUDIT_LOG_ORIGIN", "courtvcs audit log")

# --- Idempotency keys (courtvcs.idempotency): how long a key is remembered.
COURTVCS_IDEMPOTENCY_KEY_HOURS = int(os.environ.get("COURTVCS_IDEMPOTENCY_KEY_HOURS", "24"))

# --- Sign-in, sessions and headers (issue 7)
# The TOTP issuer shown in the authenticator app next to the user name.
OTP_TOTP_ISSUER = "courtvcs"

# django-axes: failed sign-ins are counted per account and, separately, per address; either
# reaching the limit locks sign-in for the cool-off time. Answer: courtvcs.orgs.signin_log.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("COURTVCS_SIGNIN_FAILURE_LIMIT", "5"))
# Issue 7: destroying a recording or signing an act needs a full sign-in (password and
# code) this recent (courtvcs/orgs/reauth.py); 0 turns the check off.
COURTVCS_REAUTH_MINUTES = int(os.environ.get("COURTVCS_REAUTH_MINUTES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "courtvcs.orgs.signin_log.lockout_response"
AXES_VERBOSE = False  # courtvcs.signin logs each attempt itself

# --- HTTPS and headers (docs/deploy.md, "HTTPS and headers") ------------------------------
# The embedded run is plain HTTP on localhost. COURTVCS_HTTPS=1 is a deployment behind a
# TLS-terminating load balancer: secure cookies, HTTP redirected to HTTPS, HSTS.
COURTVCS_HTTPS = env_bool("COURTVCS_HTTPS", False)
if COURTVCS_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # The load balancer probes the nodes over plain HTTP; a redirect would fail its checks.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    # The load balancer terminates TLS and says so; it must overwrite a client's own header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Both runs: no Referer leaves for another site (page URLs name hearings), no page is framed,
# no answer is sniffed into another type. Not "no-referrer": under it browsers send
# "Origin: null" with every form POST, even to our own pages, and Django's CSRF check refuses
# them (over HTTPS it has no Referer to fall back on either).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from our static files, or inline with the page's nonce. Style attributes are
# allowed (style-src-attr): the coordination board places its blocks with computed
# left/width; style attributes cannot run script, and <style> elements still need the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:", "mediastream:"],
    # The recorder's ticker is a worker made from a blob (static/courtvcs/live/recorder.js
    # makeTicker): it keeps the recorded video's pace when the console's tab is hidden.
    "worker-src": [CSP.SELF, "blob:"],
    # The page's own ws(s):// origin and the Janus pool's are added per answer (courtvcs.ops.csp).
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
