"""Configuration classes. `DATABASE_URL` selects the database; everything secret comes from
the environment in production."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url(default_file: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{INSTANCE_DIR / default_file}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url("coopbid.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    FORCE_HTTPS = False

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    # Passwords (argon2id). Production uses the library's RFC 9106 low-memory profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4
    PASSWORD_MIN_LENGTH = 10

    # Login protection: per-address rate limit plus per-account lockout.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Per client address; raise it only for load tests (bench/bid_rush.py signs many vendors in).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    LOGIN_LOCKOUT_THRESHOLD = 5
    LOGIN_LOCKOUT_MINUTES = 15

    RESET_TOKEN_HOURS = 1
    INVITATION_DAYS = 7
    REGISTRATION_LINK_HOURS = 48

    # E-mail: every message goes through the outbox; this picks the sender that drains it.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")  # smtp | console
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "CoopBid <no-reply@coopbid.local>")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() == "true"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() == "true"
    MAIL_TIMEOUT = 20
    MAIL_MAX_ATTEMPTS = 5
    # Absolute links in e-mails (password reset, invitations).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Uploaded files live outside the web root; only permission-checked views serve them.
    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "files"))
    MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

    # Sealed bids: the master key lives outside the database, in SEALING_KEY (base64, 32 bytes)
    # or in a key file. Development creates the file on first use; production never does.
    SEALING_KEY = os.environ.get("SEALING_KEY")
    SEALING_KEY_FILE = os.environ.get("SEALING_KEY_FILE", str(INSTANCE_DIR / "sealing.key"))
    SEALING_KEY_AUTO_CREATE = True
    MAX_BID_DOCUMENT_BYTES = 20 * 1024 * 1024

    SCHEDULER_OUTBOX_SECONDS = 30
    SCHEDULER_DUE_WORK_SECONDS = 60
    # Evaluation reports out of date (scoring closed, a consensus score recorded...) are rebuilt
    # this often; a request for one builds it itself only for an evaluation of at most this many
    # score rows (evaluators x bids x criteria), and otherwise says it is being prepared.
    SCHEDULER_EVALUATION_REPORT_SECONDS = 15
    EVALUATION_REPORT_INLINE_SCORES = 5000
    # How often the scheduler looks whether today's audit anchor is due (it acts once a UTC day).
    SCHEDULER_AUDIT_ANCHOR_SECONDS = 60 * 60

    # The audit chain head (sequence, hash, time) is appended here daily, outside the database,
    # so a rewrite of the whole chain by someone with database access shows. Put it on another
    # volume or machine than the database, append-only for the app's user.
    AUDIT_ANCHOR_PATH = os.environ.get("AUDIT_ANCHOR_PATH", str(INSTANCE_DIR / "audit-anchors.log"))

    # Browser tests move a real server's clock through this file (seconds to add); see core/clock.
    CLOCK_OFFSET_FILE = os.environ.get("CLOCK_OFFSET_FILE")

    # Each response says how many SQL statements its request ran (X-Statements): for the page bench.
    COUNT_STATEMENTS = os.environ.get("COUNT_STATEMENTS", "") == "1"

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger is not something a shared demo should expose
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("coopbid-test.db")
    MAIL_BACKEND = "memory"
    # Cheap hashing keeps the suite fast; the algorithm stays argon2id.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_BASE_URL = "http://localhost"
    SEALING_KEY = "q0dYlq3qV2yCz7iBgUuIVh3OQm0c9cO7yD0SxgkzZVo="
    MAX_BID_DOCUMENT_BYTES = 2 * 1024 * 1024
    CLOCK_OFFSET_FILE = None  # the suite moves the clock in-process (clock.freeze / advance)
    COUNT_STATEMENTS = False  # tests count with an engine listener (tests/conftest.py); one test turns it on


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    PREFERRED_URL_SCHEME = "https"
    SEALING_KEY_AUTO_CREATE = False  # a lost key loses every sealed bid: create it deliberately
    CLOCK_OFFSET_FILE = None  # production keeps real time, whatever the environment says

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == Config.SECRET_KEY or not os.environ.get("SECRET_KEY"):
            raise RuntimeError("Set SECRET_KEY in the environment for production.")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Set DATABASE_URL in the environment for production.")
        if os.environ.get("CLOCK_OFFSET_FILE"):
            raise RuntimeError("CLOCK_OFFSET_FILE moves the clock for browser tests; unset it for production.")
        if not cls.SEALING_KEY and not Path(cls.SEALING_KEY_FILE).exists():
            raise RuntimeError("Set SEALING_KEY, or create the key file SEALING_KEY_FILE "
                               "(flask keys new-sealing-key), for production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}
