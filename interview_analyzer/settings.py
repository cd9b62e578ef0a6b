"""Settings: environments differ only by environment variables (see .env.example)."""

from pathlib import Path

import environ

from interview_analyzer.secrets import refuse_placeholder_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Optional; real environment variables win. ENV_FILE points elsewhere (/dev/null: none).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-only-for-debug")
else:
    # No default: a production deployment without a secret must not start, nor one with a
    # value copied from an example (see interview_analyzer.secrets).
    SECRET_KEY = refuse_placeholder_secret(env.str("SECRET_KEY"))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Behind a proxy that terminates TLS: the origins the browser UI is served from (CSRF checks
# them), and SECURE_COOKIES=1 so the session and CSRF cookies travel over HTTPS only.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
# HTTPS only (docs/operations.md, "Production settings"): redirect plain HTTP, and HSTS for
# SECURE_HSTS_SECONDS. Off by default, since a development server speaks plain HTTP and HSTS,
# once a browser has seen it, cannot be taken back before it expires.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe health and Prometheus scrapes metrics over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The TLS proxy tells Django the request came over HTTPS; without this, SECURE_SSL_REDIRECT
# behind a proxy redirects for ever. Set it only if the proxy always sets (or strips) the header.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if SECURE_HSTS_SECONDS < 0:
    raise environ.ImproperlyConfigured("SECURE_HSTS_SECONDS must not be negative")
# Content-Security-Policy on every response (interview_analyzer.csp); CSP_REPORT_ONLY=1 sends it
# as Content-Security-Policy-Report-Only, to try a change of policy without breaking pages.
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
# One cache for every web process (the API throttles count there), e.g. redis://host:6379/1 or
# dbcache://cache_table (after `manage.py createcachetable`); each process's memory by default.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "django_q",
    "events.apps.EventsConfig",
    "ingestion.apps.IngestionConfig",
    "projections.apps.ProjectionsConfig",
    "readmodel.apps.ReadModelConfig",
    "access.apps.AccessConfig",
    "api.apps.ApiConfig",
    "web.apps.WebConfig",
    "graph.apps.GraphConfig",
    "edits.apps.EditsConfig",
    "interview_analyzer.apps.InterviewAnalyzerConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so every answer (503 pages, errors, the API) carries the policy.
    "interview_analyzer.csp.ContentSecurityPolicyMiddleware",
    # Every error under /api/ is problem+json, whichever layer made it (api.middleware).
    "api.middleware.ProblemMiddleware",
    # Tells a client whether its `?wait_for=` position was reached (api.rows).
    "api.rows.WaitForHeadersMiddleware",
    # The database not answering is a 503 page (or problem) with Retry-After, not a 500; it sits
    # outside every middleware that may touch the database (sessions, auth, messages).
    "interview_analyzer.outage.DatabaseOutageMiddleware",
    # A review page of 200 sentences is ~800 KB of HTML, ~60 KB gzipped. Django's GZip
    # middleware masks the length (BREACH mitigation), so CSRF tokens in pages stay safe.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A form or query string that is not UTF-8 is refused, not read with U+FFFD in it.
    "interview_analyzer.form_encoding.FormEncodingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "interview_analyzer.urls"
WSGI_APPLICATION = "interview_analyzer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer by design: IMMEDIATE takes the write lock when a transaction begins,
    # so concurrent appenders queue on `timeout` instead of failing mid-transaction; WAL lets
    # readers run beside the writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The event store backend: "sql" keeps events in the Django database above; "esdb" uses
# EventStoreDB/KurrentDB at ESDB_URL (e.g. esdb://localhost:2113?tls=false).
EVENT_STORE = env.str("EVENT_STORE", default="sql")
ESDB_URL = env.str("ESDB_URL", default="")
if EVENT_STORE not in {"sql", "esdb"}:
    raise environ.ImproperlyConfigured(f"EVENT_STORE must be 'sql' or 'esdb', not {EVENT_STORE!r}")
if EVENT_STORE == "esdb" and not ESDB_URL:
    raise environ.ImproperlyConfigured("EVENT_STORE=esdb needs ESDB_URL")
if EVENT_STORE == "esdb":
    # At startup rather than at the first request: options esdbclient would ignore
    # (tlsVerifyCert=false) and an unreadable tlsCaFile (docs/operations.md, EventStoreDB).
    from events.esdb_store import check_url  # no Django in it: safe to import from settings

    try:
        check_url(ESDB_URL)
    except ValueError as e:
        raise environ.ImproperlyConfigured(str(e)) from None
# Seconds every EventStoreDB call may take (a gRPC deadline) before it counts as unavailable.
ESDB_TIMEOUT = env.float("ESDB_TIMEOUT", default=10.0)
if not 0 < ESDB_TIMEOUT <= 600:
    raise environ.ImproperlyConfigured(
        f"ESDB_TIMEOUT must be more than 0 and at most 600 seconds, not {ESDB_TIMEOUT}"
    )

# --- Ingestion and analysis --------------------------------------------------------------------
# The analyzer backend: "heuristic" (offline rules, the default) or "openai" (any
# OpenAI-compatible chat-completions endpoint: OpenAI, Azure, vLLM, Ollama).
ANALYZER = env.str("ANALYZER", default="heuristic")
ANALYZERS = ("heuristic", "openai")
if ANALYZER not in ANALYZERS:
    raise environ.ImproperlyConfigured(f"ANALYZER must be one of {ANALYZERS}, not {ANALYZER!r}")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT = env.float("OPENAI_TIMEOUT", default=30.0)
# Tries per sentence before the analysis counts as failed (429s, 5xx, timeouts, bad answers).
OPENAI_MAX_ATTEMPTS = env.int("OPENAI_MAX_ATTEMPTS", default=5)
# At most this many analysis calls in flight at once (per pipeline run).
ANALYZER_CONCURRENCY = env.int("ANALYZER_CONCURRENCY", default=4)
# Uploads larger than this are refused before anything is written.
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=5 * 1024 * 1024)
for _name in ("OPENAI_TIMEOUT", "OPENAI_MAX_ATTEMPTS", "ANALYZER_CONCURRENCY", "INGEST_MAX_BYTES"):
    if globals()[_name] <= 0:
        raise environ.ImproperlyConfigured(f"{_name} must be positive")

# django-q2 on the ORM broker (the Django database) by default. A task whose worker dies is
# handed out again after `retry` seconds; the pipeline is idempotent, so that is safe.
Q_CLUSTER = {
    "name": "interview-analyzer",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=1800),
    "retry": env.int("Q_RETRY", default=1860),
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "label": "Tasks",
}
# Several hosts of workers: Redis as the broker (Q_REDIS_URL, e.g. redis://:password@host:6379/0;
# needs the `redis` package). The Upload row and the task then no longer commit together.
if Q_REDIS_URL := env.str("Q_REDIS_URL", default=""):
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = Q_REDIS_URL

# --- Projections --------------------------------------------------------------------------------
# Lanes per projection: events are routed by a stable hash of their interview (or project), so
# changing this number re-routes them — replay the projections after changing it.
PROJECTION_LANES = env.int("PROJECTION_LANES", default=12)
# `?wait_for=`: how long a read waits for its position, and how many requests of one process may
# wait at once; the others answer at once with what the read model has (projections.waiting).
READ_WAIT_SECONDS = env.float("READ_WAIT_SECONDS", default=2.0)
READ_WAIT_CONCURRENCY = env.int("READ_WAIT_CONCURRENCY", default=4)
if not 0 <= READ_WAIT_SECONDS <= 30:
    raise environ.ImproperlyConfigured("READ_WAIT_SECONDS must be from 0 to 30")
if READ_WAIT_CONCURRENCY < 1:
    raise environ.ImproperlyConfigured("READ_WAIT_CONCURRENCY must be 1 or more")
if not 1 <= PROJECTION_LANES <= 256:
    raise environ.ImproperlyConfigured("PROJECTION_LANES must be from 1 to 256")

# --- Accounts -----------------------------------------------------------------------------------
# Failed logins (web, admin) per account and per client address, and bad API tokens per address,
# allowed within a window; past that, refused until the window ends (access.throttle). Counted
# in the cache above: set CACHE_URL to a shared cache when several web processes serve.
AUTHENTICATION_BACKENDS = ["access.authentication.ThrottledModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=50)
TOKEN_FAILURES_PER_ADDRESS = env.int("TOKEN_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# How long an invitation link (`manage.py adduser --invite`) stays valid; it works once.
PASSWORD_RESET_TIMEOUT = env.int("INVITATION_MAX_AGE_SECONDS", default=3 * 24 * 3600)
# Where people reach the site, for links printed outside a request (invitations).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Reverse proxies appending to X-Forwarded-For (REST_FRAMEWORK's NUM_PROXIES below).
REST_FRAMEWORK_NUM_PROXIES = env.int("NUM_PROXIES", default=0)
for _name in (
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ADDRESS",
    "TOKEN_FAILURES_PER_ADDRESS",
    "LOGIN_FAILURE_WINDOW_SECONDS",
):
    if globals()[_name] <= 0:
        raise environ.ImproperlyConfigured(f"{_name} must be positive")
if PASSWORD_RESET_TIMEOUT <= 0:
    raise environ.ImproperlyConfigured("INVITATION_MAX_AGE_SECONDS must be positive")
if REST_FRAMEWORK_NUM_PROXIES < 0:
    raise environ.ImproperlyConfigured("NUM_PROXIES must be 0 or more")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# --- Observability -----------------------------------------------------------------------------
# A lane behind the head whose checkpoint has not moved for this long is "stalled": /health/ready
# answers 503 and projection_lane_stalled is 1.
PROJECTION_STALL_SECONDS = env.int("PROJECTION_STALL_SECONDS", default=120)
# How long a lane stays leased to a runprojections process that stopped renewing it (killed, or
# cut off from the database): the others take its lanes over after this (projections.leases).
PROJECTION_LEASE_SECONDS = env.float("PROJECTION_LEASE_SECONDS", default=15.0)
# When set, GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Address `runprojections --metrics-port` listens on; loopback unless a scraper needs more.
METRICS_BIND = env.str("METRICS_BIND", default="127.0.0.1")
# Log lines: "text" for people (development), "json" (one object a line) for log collectors.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise environ.ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
if PROJECTION_STALL_SECONDS <= 0:
    raise environ.ImproperlyConfigured("PROJECTION_STALL_SECONDS must be positive")

# --- REST API -------------------------------------------------------------------------------------
API_PREFIX = "/api/v1/"
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Integrations; bad tokens are throttled per address (access.throttle).
        "access.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browser UI (CSRF on)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's, made safe against text that cannot be encoded (see api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    # Every operation documents its problem answers too (api.schema).
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemSchema",
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    # JSON only, its nesting bounded (api.parsers); the upload view sets its own form parsers.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    # Every user has an overall budget; the expensive endpoints (a view's `throttle_scope`)
    # have their own, smaller one. Counters live in the cache: configure a shared cache
    # (Redis, database) when several web processes serve the API, or each counts alone.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    # The client's address, for these throttles and for failed logins: REMOTE_ADDR, or with
    # NUM_PROXIES=N the address N proxies back in X-Forwarded-For. Never the whole header (DRF's
    # default), which any client can write to escape a per-address limit.
    "NUM_PROXIES": REST_FRAMEWORK_NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="6000/hour"),
        "uploads": env.str("API_THROTTLE_UPLOADS", default="120/hour"),
        "exports": env.str("API_THROTTLE_EXPORTS", default="120/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Analyzer API",
    "DESCRIPTION": "Projects, interviews, sentences and expert corrections (event-sourced).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "common.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request at INFO: one line per analysed sentence drowns everything else.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# --- Correction UI --------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects"
LOGOUT_REDIRECT_URL = "login"

# --- Graph read model -------------------------------------------------------------------------
# Any Neo4j 5 server or Aura: bolt://host:7687, neo4j+s://xxxx.databases.neo4j.io, with
# credentials in the URL (bolt://user:password@host:7687). Empty: the graph projection is off
# and everything else works. `make neo4j` runs a local one (no authentication, loopback only).
NEO4J_BOLT_URL = env.str("NEO4J_BOLT_URL", default="")
NEO4J_DATABASE = env.str("NEO4J_DATABASE", default="neo4j")
