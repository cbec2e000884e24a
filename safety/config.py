"""Configuration read from the environment, with safe defaults for a zero-set-up SQLite install."""
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: processes starting together (gunicorn
        # workers, test workers) either create it or read the one that won, never a half-written file.
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return key_file.read_text().strip()


def instance_path() -> str | None:
    """SAFETY_INSTANCE_PATH: the folder for the secret key, the SQLite file and photos (by default), made
    absolute as Flask requires; None leaves Flask's default, `instance/` beside the package in a checkout."""
    if path := os.environ.get("SAFETY_INSTANCE_PATH"):
        return str(Path(path).expanduser().resolve())
    return None


def normalise_database_url(url: str) -> str:
    """Accept plain postgres:// URLs (as most hosting hands them out) and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(database_url: str) -> dict:
    """pre_ping: a restarted PostgreSQL costs one failed health check, not a restart of the app."""
    options = {"pool_pre_ping": True}
    if database_url.startswith("postgresql"):
        # Per web worker process: workers × (pool + overflow) must stay under PostgreSQL's max_connections.
        options.update(pool_size=_int("DB_POOL_SIZE", 5), max_overflow=_int("DB_MAX_OVERFLOW", 5),
                       pool_timeout=_int("DB_POOL_TIMEOUT", 10), pool_recycle=_int("DB_POOL_RECYCLE", 1800))
    return options


def from_environment(instance_path: Path) -> dict:
    """Everything the service reads from its environment, in one place (see README, Configuration)."""
    if not os.environ.get("DATABASE_URL"):
        instance_path.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    database_url = normalise_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'safety.db'}")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "PHOTO_STORAGE_DIR": os.environ.get("PHOTO_STORAGE_DIR", str(instance_path / "photos")),
        "TOKEN_LIFETIME": timedelta(hours=_int("TOKEN_LIFETIME_HOURS", 12)),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh_Hans_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai"),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 10),
        # Login throttling (accounts/services.py `login_lockouts`): failures per account from one address, per
        # account from anywhere, per address; the first lock, doubled by each further failure up to the memory.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_ACCOUNT_MAX_FAILURES": _int("LOGIN_ACCOUNT_MAX_FAILURES", 20),
        "LOGIN_ADDRESS_MAX_FAILURES": _int("LOGIN_ADDRESS_MAX_FAILURES", 100),
        "LOGIN_LOCKOUT": timedelta(minutes=_int("LOGIN_LOCKOUT_MINUTES", 15)),
        "LOGIN_FAILURE_MEMORY": timedelta(hours=_int("LOGIN_FAILURE_MEMORY_HOURS", 24)),
        # Anonymous requests per hour: public problem reports per address and per point; parent receipts per
        # address (many phones share a carrier's NAT address) and per letter (a class of 50 passes with retries).
        "PUBLIC_REPORTS_PER_HOUR": _int("PUBLIC_REPORTS_PER_HOUR", 30),
        "PUBLIC_REPORTS_PER_POINT_HOUR": _int("PUBLIC_REPORTS_PER_POINT_HOUR", 10),
        "CAMPAIGN_RECEIPTS_PER_HOUR": _int("CAMPAIGN_RECEIPTS_PER_HOUR", 600),
        "CAMPAIGN_RECEIPTS_PER_LETTER_HOUR": _int("CAMPAIGN_RECEIPTS_PER_LETTER_HOUR", 150),
        # How many reverse proxies (nginx …) stand in front and set X-Forwarded-For/-Proto; 0: trust none.
        "TRUSTED_PROXY_COUNT": _int("TRUSTED_PROXY_COUNT", 0),
        # Photos up to MAX_PHOTO_MB (413 beyond); a request body may carry a little form overhead on top.
        "MAX_PHOTO_BYTES": _int("MAX_PHOTO_MB", 25) * 1024 * 1024,
        "MAX_CONTENT_LENGTH": (_int("MAX_PHOTO_MB", 25) + 1) * 1024 * 1024,
        "PHOTO_STORAGE": os.environ.get("PHOTO_STORAGE", "folder"),
        **{name: os.environ.get(name) for name in ("S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
                                                    "S3_ACCESS_KEY", "S3_SECRET_KEY") if os.environ.get(name)},
        "PHOTO_ORPHAN_GRACE_HOURS": _int("PHOTO_ORPHAN_GRACE_HOURS", 24),
        # E-mail notifications: without SMTP_HOST nothing is e-mailed (in-app and webhooks still work).
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": _int("SMTP_PORT", 25),
        "SMTP_USER": os.environ.get("SMTP_USER"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "false").lower() in ("1", "true", "yes"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "safety@localhost"),
        "CJK_FONT_PATH": os.environ.get("CJK_FONT_PATH"),
        # The danger map's background: a Leaflet tile URL template (天地图 and most Chinese providers need a key
        # in it); unset, the map shows its markers on a plain background and the page loads nothing from outside.
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": os.environ.get("MAP_TILE_ATTRIBUTION", ""),
        "MAP_TILE_SUBDOMAINS": os.environ.get("MAP_TILE_SUBDOMAINS", "abc"),  # what {s} stands for (天地图: 01234567)
    }


# flask-smorest / OpenAPI; static so the document is the same on every node.
API_SETTINGS = {
    "API_TITLE": "Campus Safety Inspection API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",  # nullable references as `anyOf: [$ref, null]`, which generators read
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
}
