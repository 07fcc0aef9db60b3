"""Configuration from ``ICLIENT_*`` environment variables, each with an embedded default.

See ``docs/configuration.md`` for the full table.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import attrs

DEFAULT_BASE_URL = "http://127.0.0.1:5000"

DOWNLOAD_HANDOFFS = ("none", "x-accel", "x-sendfile")
"""How downloads of a local folder's files may be handed to the web server in front."""

DEFAULT_HANDOFF_PREFIX = "/_iclient/files/"
"""The internal location nginx maps onto the storage folder (``X-Accel-Redirect``)."""


class ConfigError(RuntimeError):
    """The configuration cannot work (e.g. production without a secret key)."""


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = (environ.get(name) or choices[0]).strip().lower()
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


LOG_LEVELS = ("info", "debug", "warning", "error")


def _networks(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    found = []
    for item in (part.strip() for part in environ.get(name, "").split(",")):
        if not item:
            continue
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(found)


def _metrics_token(environ: Mapping[str, str]) -> str:
    token = environ.get("ICLIENT_METRICS_TOKEN", "").strip()
    if token and len(token) < 16:
        raise ConfigError("ICLIENT_METRICS_TOKEN must have at least 16 characters")
    return token


def _flag(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{name} must be 1 or 0, not {raw!r}")


def _handoff(environ: Mapping[str, str]) -> str:
    raw = environ.get("ICLIENT_DOWNLOAD_HANDOFF", "").strip().lower() or "none"
    if raw not in DOWNLOAD_HANDOFFS:
        raise ConfigError(
            f"ICLIENT_DOWNLOAD_HANDOFF must be one of {', '.join(DOWNLOAD_HANDOFFS)}, not {raw!r}"
        )
    return raw


def _handoff_prefix(environ: Mapping[str, str]) -> str:
    raw = environ.get("ICLIENT_DOWNLOAD_HANDOFF_PREFIX", "").strip() or DEFAULT_HANDOFF_PREFIX
    if not raw.startswith("/") or any(ch in raw for ch in " ?#\\\r\n"):
        raise ConfigError(f"ICLIENT_DOWNLOAD_HANDOFF_PREFIX must be a path, not {raw!r}")
    return raw if raw.endswith("/") else raw + "/"


def _secret_key(environ: Mapping[str, str], instance: Path, production: bool) -> str:
    configured = environ.get("ICLIENT_SECRET_KEY", "")
    if configured:
        if len(configured) < 32:
            raise ConfigError("ICLIENT_SECRET_KEY must have at least 32 characters (256 bits)")
        return configured
    if production:
        raise ConfigError("ICLIENT_SECRET_KEY must be set when ICLIENT_ENV=production")
    # Development: generated once and kept in the instance folder, readable by us only.
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@attrs.frozen(kw_only=True)
class Config:
    """Everything the composition root needs to build a working portal."""

    instance_path: Path
    database_url: str
    storage_url: str
    mail_url: str
    mail_from: str
    secret_key: str
    secret_key_fallbacks: tuple[str, ...] = ()
    base_url: str = DEFAULT_BASE_URL
    ratelimit_url: str = "memory://"
    sms_url: str = "memory://"
    business_name: str = "iclient"
    contact_email: str = ""
    production: bool = False
    password_min_length: int = 12
    session_idle_minutes: int = 60
    session_absolute_hours: int = 12
    session_cache_seconds: int = 5  # on PostgreSQL; 0: every request reads its session
    support_reopen_days: int = 14  # a client's reply reopens a support request closed since
    trusted_hosts: tuple[str, ...] = ()
    proxy_hops: int = 0
    max_upload_mb: int = 100  # the largest document file staff may upload, in MiB
    api_requests_per_minute: int = 600  # per API key
    timezone: str = "Europe/Lisbon"
    log_format: str = "text"  # or "json": one JSON object per line
    log_level: str = "info"
    metrics_token: str = ""  # /metrics answers a request bearing this token…
    metrics_allow: tuple[str, ...] = ()  # …or one from these networks; off when both are empty
    ready_max_outbox_lag_seconds: int = 600  # /readyz fails when delivery is further behind

    @property
    def metrics_enabled(self) -> bool:
        """Whether ``/metrics`` answers anyone (a token or allowed networks are set)."""
        return bool(self.metrics_token or self.metrics_allow)

    # Downloads of a local folder's files: sent by the app (none), or by nginx
    # (x-accel, through the internal location download_handoff_prefix) or Apache (x-sendfile).
    download_handoff: str = "none"
    download_handoff_prefix: str = DEFAULT_HANDOFF_PREFIX
    s3_presigned: bool = False  # downloads from S3: redirect to a short-lived presigned URL
    # Webhooks to private, loopback or link-local addresses (development and tests only).
    webhooks_allow_private: bool = False

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, instance_path: str | Path | None = None
    ) -> Config:
        """Read the configuration from ``environ`` (``os.environ`` by default).

        Raises:
            ConfigError: a value is malformed, or production lacks a secret key.
        """
        env = os.environ if environ is None else environ
        instance = Path(
            instance_path or env.get("ICLIENT_INSTANCE_PATH") or Path.cwd() / "instance"
        ).resolve()
        production = env.get("ICLIENT_ENV", "development") == "production"
        base_url = env.get("ICLIENT_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        fallbacks = tuple(
            k.strip() for k in env.get("ICLIENT_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
        )
        return cls(
            instance_path=instance,
            database_url=env.get("ICLIENT_DATABASE_URL") or f"sqlite:///{instance / 'iclient.db'}",
            storage_url=env.get("ICLIENT_STORAGE_URL") or (instance / "files").as_uri(),
            mail_url=env.get("ICLIENT_MAIL_URL") or (instance / "mail").as_uri(),
            sms_url=env.get("ICLIENT_SMS_URL") or (instance / "sms").as_uri(),
            mail_from=env.get("ICLIENT_MAIL_FROM") or f"iclient <no-reply@{host or 'localhost'}>",
            secret_key=_secret_key(env, instance, production),
            secret_key_fallbacks=fallbacks,
            base_url=base_url,
            ratelimit_url=env.get("ICLIENT_RATELIMIT_URL", "memory://"),
            business_name=env.get("ICLIENT_BUSINESS_NAME", "iclient"),
            contact_email=env.get("ICLIENT_CONTACT_EMAIL", ""),
            production=production,
            password_min_length=_int(env, "ICLIENT_PASSWORD_MIN_LENGTH", 12),
            session_idle_minutes=_int(env, "ICLIENT_SESSION_IDLE_MINUTES", 60),
            session_absolute_hours=_int(env, "ICLIENT_SESSION_ABSOLUTE_HOURS", 12),
            session_cache_seconds=_int(env, "ICLIENT_SESSION_CACHE_SECONDS", 5),
            support_reopen_days=_int(env, "ICLIENT_SUPPORT_REOPEN_DAYS", 14),
            proxy_hops=_int(env, "ICLIENT_PROXY_HOPS", 0),
            max_upload_mb=_int(env, "ICLIENT_MAX_UPLOAD_MB", 100),
            api_requests_per_minute=_int(env, "ICLIENT_API_REQUESTS_PER_MINUTE", 600),
            timezone=env.get("ICLIENT_TIMEZONE", "Europe/Lisbon"),
            log_format=_choice(env, "ICLIENT_LOG_FORMAT", ("text", "json")),
            log_level=_choice(env, "ICLIENT_LOG_LEVEL", LOG_LEVELS),
            metrics_token=_metrics_token(env),
            metrics_allow=_networks(env, "ICLIENT_METRICS_ALLOW"),
            ready_max_outbox_lag_seconds=_int(env, "ICLIENT_READY_MAX_OUTBOX_LAG_SECONDS", 600),
            download_handoff=_handoff(env),
            download_handoff_prefix=_handoff_prefix(env),
            s3_presigned=_flag(env, "ICLIENT_S3_PRESIGNED"),
            webhooks_allow_private=_flag(env, "ICLIENT_WEBHOOKS_ALLOW_PRIVATE"),
            trusted_hosts=tuple(
                h.strip() for h in env.get("ICLIENT_TRUSTED_HOSTS", host).split(",") if h.strip()
            ),
        )
