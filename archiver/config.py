"""Settings: organisation fields, capture limits and the default store, with their origins.

Precedence, highest first: command-line options, environment variables (``ARCHIVER_*``),
``archiver.toml`` in the store, ``$XDG_CONFIG_HOME/archiver/config.toml`` (default
``~/.config/archiver/config.toml``), built-in defaults. Every value remembers where it came
from, for ``archiver config``. The default store itself comes from ``--store``,
``ARCHIVER_STORE`` or ``store = "..."`` in the user's config file, else ``./archive``.

A config file looks like::

    store = "/srv/archive"            # user config file only

    [organization]
    source_organization = "Example Library"
    organization_address = "1 Main Street, Springfield"
    contact_name = "Jane Archivist"
    contact_email = "jane@example.org"

    [capture]
    user_agent = "ExampleLibraryArchiver/1.0 (+https://example.org/archive)"
    timeout = 60
    connect_timeout = 10
    max_size = 200000000
    retries = 2
    concurrency = 8
    robots = "obey"
    capture_timeout = 300             # seconds for a whole capture, requisites included
    max_total_size = 1073741824       # bytes of all responses of one capture together
    allow_private = false             # requisites may reach private addresses (see README)

    [timestamp]
    timestamp_url = "https://tsa.example.org/tsr"   # an RFC 3161 TSA stamps every new bag
    timestamp_required = false        # true: a bag that gets no token is not stored
    timestamp_ca = "/etc/archiver/tsa-ca.pem"       # validate/audit check tokens against it

    [s3]
    s3_endpoint_url = "https://minio.example.org:9000"  # an S3 API server other than AWS

A store may be an ``s3://bucket/prefix`` URL (see :mod:`archiver.store.objectstore`): such a
store has no ``archiver.toml`` of its own, so only the options, the environment and the
user's config file apply to it.

Every value is checked with the same bounds as the command-line option of the same name: a
value out of bounds, of the wrong type, or (for text) with a line break or another control
character is a :class:`~archiver.errors.UsageError` (exit status 2) naming the file or the
environment variable and the key. A user config file that exists but cannot be read (an
unreadable home folder) is skipped, and :func:`unreadable_user_config` says so, for the
command line to warn; a store's config file that cannot be read is an error.
    chromium = "/usr/bin/chromium"     # for capture --browser (default: chromium on PATH)
"""

from __future__ import annotations

import math
import os
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.model import Agent, FetchOptions, TimestampOptions

DEFAULT_STORE = "archive"
MAX_CONFIG_BYTES = 1024 * 1024  # a config file is a few lines
MAX_TEXT_CHARS = 1000

LINE = "line"  # one line of text: no line break or other control character
HEADER = "header"  # an HTTP header value: printable ASCII
URL = "url"  # an http or https URL (on one line)


@dataclass(frozen=True)
class Spec:
    """One known setting: its TOML section, type, default and the values it accepts."""

    section: str
    kind: type
    default: Any = None
    choices: tuple[str, ...] = ()
    low: float | None = None  # numbers: the smallest value accepted
    high: float | None = None  # numbers: the largest value accepted
    text: str = LINE  # strings: LINE or HEADER


_FETCH = FetchOptions()  # the capture defaults live with the capture stage

SPECS: dict[str, Spec] = {
    "source_organization": Spec("organization", str, "Unspecified"),
    "organization_address": Spec("organization", str),
    "contact_name": Spec("organization", str),
    "contact_email": Spec("organization", str),
    "user_agent": Spec("capture", str, text=HEADER),
    "timeout": Spec("capture", float, _FETCH.total_timeout, low=0.1, high=3600),
    "connect_timeout": Spec("capture", float, _FETCH.connect_timeout, low=0.1, high=600),
    "max_size": Spec("capture", int, _FETCH.max_response_bytes, low=1, high=1 << 32),
    "retries": Spec("capture", int, _FETCH.retries, low=0, high=10),
    "concurrency": Spec("capture", int, _FETCH.concurrency, low=1, high=64),
    "robots": Spec("capture", str, _FETCH.robots, ("obey", "ignore")),
    "capture_timeout": Spec("capture", float, _FETCH.capture_timeout, low=1, high=86400),
    "max_total_size": Spec("capture", int, _FETCH.max_total_bytes, low=1, high=1 << 40),
    "allow_private": Spec("capture", bool, _FETCH.allow_private),
    "chromium": Spec("capture", str),  # for capture --browser; unset: "chromium" on PATH
    "timestamp_url": Spec("timestamp", str, text=URL),  # a TSA: stamp every new bag
    "timestamp_required": Spec("timestamp", bool, False),  # no token, no bag
    "timestamp_ca": Spec("timestamp", str),  # CA certificates (PEM) a TSA must chain to
    "s3_endpoint_url": Spec("s3", str, text=URL),  # an S3 API server other than AWS
}
ORGANIZATION_KEYS = tuple(k for k, s in SPECS.items() if s.section == "organization")
#: Command-line options whose name is not the setting's (``--KEY`` with dashes otherwise).
OPTION_NAMES = {"source_organization": "--organization", "timestamp_url": "--timestamp"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    """One effective value and where it came from."""

    key: str
    value: Any
    origin: str


def user_config_file() -> Path:
    """The user's config file (it may not exist)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "archiver" / "config.toml"
    try:
        home = Path.home()
    except RuntimeError:  # no $HOME and no password entry: no user config
        home = Path("/nonexistent")
    return home / ".config" / "archiver" / "config.toml"


def config_files(store: Path | str) -> list[Path]:
    """The config files consulted, highest precedence first (an object store's URL has no
    ``archiver.toml``: the user's file only)."""
    if isinstance(store, str):
        return [user_config_file()]
    return [store / "archiver.toml", user_config_file()]


def unreadable_user_config() -> str | None:
    """A one-line warning when the user's config file cannot be read (it is then ignored)."""
    path = user_config_file()
    try:
        if not path.is_file():
            return None
        with path.open("rb"):
            return None
    except OSError as exc:
        return f"{path}: cannot read the user config file ({exc.strerror or exc}); ignored"


def resolve_store(
    option: Path | str | None, env: Mapping[str, str] | None = None
) -> Setting:
    """The store to use: the option, ``ARCHIVER_STORE``, the user config's ``store``, or
    ``./archive``. The value is a folder's :class:`Path`, or an ``s3://`` URL kept as text."""
    env = os.environ if env is None else env
    if option is not None:
        return Setting("store", _store_value(str(option), "--store"), "option")
    if env.get("ARCHIVER_STORE"):
        value = _checked_path(env["ARCHIVER_STORE"], "ARCHIVER_STORE")
        return Setting("store", _store_value(value, "ARCHIVER_STORE"), "environment")
    path = user_config_file()
    configured = _read_toml(path, optional=True).get("store")
    if configured:
        found = _store_value(_checked_path(configured, str(path)), str(path))
        return Setting("store", found.expanduser() if isinstance(found, Path) else found,
                       str(path))
    return Setting("store", Path(DEFAULT_STORE), "default")


def _store_value(value: str, origin: str) -> Path | str:
    """A store's folder as a Path, or an object store's URL, checked, as text."""
    from archiver.s3 import is_s3, parse_url

    if is_s3(value):
        try:
            return str(parse_url(value))
        except UsageError as exc:
            raise UsageError(f"store {exc.message}: {value!r}", subject=origin) from None
    return Path(value)


def s3_endpoint_url(env: Mapping[str, str] | None = None) -> str | None:
    """The S3 endpoint archiver's settings name (``ARCHIVER_S3_ENDPOINT_URL``, else
    ``s3_endpoint_url`` under ``[s3]`` in the user's config file); None leaves it to
    botocore (``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, the AWS config file, or AWS)."""
    env = os.environ if env is None else env
    spec = SPECS["s3_endpoint_url"]
    value = env.get("ARCHIVER_S3_ENDPOINT_URL")
    if value:
        return str(_coerce("s3_endpoint_url", spec, value, "environment"))
    path = user_config_file()
    found = _settings_in(path, optional=True).get("s3_endpoint_url")
    return str(_coerce("s3_endpoint_url", spec, found, str(path))) if found else None


def load_settings(
    store: Path | str, options: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> dict[str, Setting]:
    """Every known setting's effective value with its origin (``options``: None = not given).

    Raises :class:`UsageError` for a value that is not valid, naming where it came from.
    """
    env = os.environ if env is None else env
    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("option", options),
        ("environment", {k: env.get(f"ARCHIVER_{k.upper()}") for k in SPECS}),
    ]
    for number, path in enumerate(config_files(store)):
        layers.append((str(path), _settings_in(path, optional=number > 0)))
    settings = {}
    for key, spec in SPECS.items():
        settings[key] = Setting(
            key, spec.default, "default" if spec.default is not None else "unset"
        )
        for origin, values in layers:
            value = values.get(key)
            if value is not None and value != "":
                settings[key] = Setting(key, _coerce(key, spec, value, origin), origin)
                break
    return settings


def _settings_in(path: Path, optional: bool) -> dict[str, Any]:
    """The known settings a config file sets, by key (sections checked to be tables)."""
    document = _read_toml(path, optional=optional)
    flat: dict[str, Any] = {}
    for key, spec in SPECS.items():
        section = document.get(spec.section, {})
        if not isinstance(section, dict):
            raise UsageError(f"{spec.section} must be a [{spec.section}] table", subject=str(path))
        flat[key] = section.get(key)
    return flat


def _coerce(key: str, spec: Spec, value: Any, origin: str) -> Any:
    """``value`` as the setting's type, checked against its bounds; else a UsageError."""
    if origin == "environment":
        origin = f"ARCHIVER_{key.upper()}"
    elif origin == "option":
        origin = OPTION_NAMES.get(key, f"--{key.replace('_', '-')}")
    try:
        if spec.kind is bool:
            return _as_bool(value)
        if spec.kind is str:
            return _as_text(value, spec)
        return _as_number(value, spec)
    except ValueError as exc:
        raise UsageError(f"{key} {exc}", subject=origin) from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"must be true or false, not {value!r}")


def _as_text(value: Any, spec: Spec) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {value!r}")
    if spec.choices and value not in spec.choices:
        raise ValueError(f"must be one of {', '.join(spec.choices)}, not {value!r}")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"must be at most {MAX_TEXT_CHARS} characters, not {len(value)}")
    if spec.text == HEADER and not all(" " <= ch <= "~" for ch in value):
        raise ValueError(f"must be printable ASCII (it goes into an HTTP header): {value!r}")
    if spec.text == URL:
        _check_url(value)
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        raise ValueError(f"must be one line without control characters: {value!r}")
    return value


def _check_url(value: str) -> None:
    """A ValueError unless ``value`` is a well-formed http(s) URL, as a capture checks one."""
    from archiver.acquire.client import FetchError, wire_url

    if not value.lower().startswith(("http://", "https://")):
        raise ValueError(f"must be an http:// or https:// URL, not {value!r}")
    try:
        wire_url(value)
    except FetchError as exc:
        raise ValueError(f"must be an http:// or https:// URL: {exc.message}") from None


def _as_number(value: Any, spec: Spec) -> int | float:
    low = -math.inf if spec.low is None else spec.low
    high = math.inf if spec.high is None else spec.high
    problem = ValueError(
        f"must be {'a whole number' if spec.kind is int else 'a number'} "
        f"from {_bound(low, spec)} to {_bound(high, spec)}, not {value!r}"
    )
    number: int | float
    try:
        if isinstance(value, bool):
            raise problem
        number = float(value) if spec.kind is float else _as_int(value)
    except (TypeError, ValueError, OverflowError):
        raise problem from None
    if not (math.isfinite(number) and low <= number <= high):
        raise problem
    return number


def _bound(value: float, spec: Spec) -> str:
    return str(int(value)) if spec.kind is int and math.isfinite(value) else f"{value:g}"


def _as_int(value: Any) -> int:
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    return int(value)


def _checked_path(value: Any, origin: str) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise UsageError(f"store must be a folder's path, not {value!r}", subject=origin)
    return value


def agent_from(settings: Mapping[str, Setting]) -> Agent:
    """The :class:`Agent` (bag-info organisation fields) the settings describe."""
    values = {k: settings[k].value for k in ORGANIZATION_KEYS if settings[k].value}
    return Agent(**values)


def fetch_options_from(settings: Mapping[str, Setting], requisites: bool = True) -> FetchOptions:
    """The capture's :class:`archiver.acquire.FetchOptions` the settings describe."""
    return FetchOptions(
        user_agent=settings["user_agent"].value,
        connect_timeout=settings["connect_timeout"].value,
        total_timeout=settings["timeout"].value,
        max_response_bytes=settings["max_size"].value,
        retries=settings["retries"].value,
        concurrency=max(1, settings["concurrency"].value),
        robots=settings["robots"].value,
        requisites=requisites,
        capture_timeout=settings["capture_timeout"].value,
        max_total_bytes=settings["max_total_size"].value,
        allow_private=settings["allow_private"].value,
    )


def timestamp_ca_from(settings: Mapping[str, Setting]) -> tuple[bytes, ...]:
    """The CA certificates (DER) timestamp tokens must chain to: none when unset.

    Raises :class:`UsageError` naming the file when it cannot be read or holds none.
    """
    value = settings["timestamp_ca"].value
    if not value:
        return ()
    from archiver.verify.timestamp import read_ca_certificates

    return read_ca_certificates(Path(value).expanduser())


def timestamp_options_from(settings: Mapping[str, Setting]) -> TimestampOptions | None:
    """Whether a capture asks a TSA for a token, and how; None when no TSA is set."""
    url = settings["timestamp_url"].value
    if not url:
        if settings["timestamp_required"].value:
            origin = settings["timestamp_required"].origin
            named = {"option": "--timestamp-required",
                     "environment": "ARCHIVER_TIMESTAMP_REQUIRED"}.get(origin, origin)
            raise UsageError(
                "timestamp_required is set but no TSA is (--timestamp URL or timestamp_url)",
                subject=named,
            )
        return None
    return TimestampOptions(
        url=url,
        required=bool(settings["timestamp_required"].value),
        ca_certificates=timestamp_ca_from(settings),
    )


def _read_toml(path: Path, optional: bool = False) -> dict[str, Any]:
    """A config file's TOML document ({} when there is none).

    ``optional``: a file that cannot be read is taken as absent (the user's config file,
    see :func:`unreadable_user_config`); otherwise it is a UsageError.
    """
    try:
        if not path.is_file():
            return {}
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        if optional:
            return {}
        raise UsageError(f"cannot read the config file: {exc.strerror or exc}",
                         subject=str(path)) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise UsageError(f"config file larger than {MAX_CONFIG_BYTES} bytes", subject=str(path))
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the config file: {exc}", subject=str(path)) from None


def settings_report(where: Setting, settings: Mapping[str, Setting]) -> dict[str, Any]:
    """What ``archiver config --json`` shows: the store, the files read, every setting with
    its origin (plain data, for JSON)."""
    return {
        "store": {"value": str(where.value), "origin": where.origin},
        "files": [str(p) for p in config_files(where.value)],
        "settings": {k: {"value": s.value, "origin": s.origin} for k, s in settings.items()},
    }
