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
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.model import Agent, FetchOptions

DEFAULT_STORE = "archive"


@dataclass(frozen=True)
class Spec:
    """One known setting: the TOML section it lives in, its type and its default."""

    section: str
    kind: type
    default: Any = None
    choices: tuple[str, ...] = ()


_FETCH = FetchOptions()  # the capture defaults live with the capture stage

SPECS: dict[str, Spec] = {
    "source_organization": Spec("organization", str, "Unspecified"),
    "organization_address": Spec("organization", str),
    "contact_name": Spec("organization", str),
    "contact_email": Spec("organization", str),
    "user_agent": Spec("capture", str),
    "timeout": Spec("capture", float, _FETCH.total_timeout),
    "connect_timeout": Spec("capture", float, _FETCH.connect_timeout),
    "max_size": Spec("capture", int, _FETCH.max_response_bytes),
    "retries": Spec("capture", int, _FETCH.retries),
    "concurrency": Spec("capture", int, _FETCH.concurrency),
    "robots": Spec("capture", str, _FETCH.robots, ("obey", "ignore")),
}
ORGANIZATION_KEYS = tuple(k for k, s in SPECS.items() if s.section == "organization")


@dataclass(frozen=True)
class Setting:
    """One effective value and where it came from."""

    key: str
    value: Any
    origin: str


def user_config_file() -> Path:
    """The user's config file (it may not exist)."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "archiver" / "config.toml"


def config_files(store: Path) -> list[Path]:
    """The config files consulted, highest precedence first."""
    return [store / "archiver.toml", user_config_file()]


def resolve_store(option: Path | None, env: Mapping[str, str] | None = None) -> Setting:
    """The store to use: the option, ``ARCHIVER_STORE``, the user config's ``store``, or
    ``./archive``."""
    env = os.environ if env is None else env
    if option is not None:
        return Setting("store", Path(option), "option")
    if env.get("ARCHIVER_STORE"):
        return Setting("store", Path(env["ARCHIVER_STORE"]), "environment")
    path = user_config_file()
    value = _read_toml(path).get("store")
    if value:
        return Setting("store", Path(str(value)).expanduser(), str(path))
    return Setting("store", Path(DEFAULT_STORE), "default")


def load_settings(
    store: Path, options: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> dict[str, Setting]:
    """Every known setting's effective value with its origin (``options``: None = not given)."""
    env = os.environ if env is None else env
    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("option", options),
        ("environment", {k: env.get(f"ARCHIVER_{k.upper()}") for k in SPECS}),
    ]
    for path in config_files(store):
        document = _read_toml(path)
        flat = {
            key: section.get(key)
            for key, spec in SPECS.items()
            if isinstance(section := document.get(spec.section, {}), dict)
        }
        layers.append((str(path), flat))
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


def _coerce(key: str, spec: Spec, value: Any, origin: str) -> Any:
    if origin == "environment":
        origin = f"ARCHIVER_{key.upper()}"
    elif origin == "option":
        origin = f"--{key.replace('_', '-')}"
    try:
        converted = spec.kind(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"{key} must be a {spec.kind.__name__}, not {value!r}", subject=origin
        ) from None
    if spec.choices and converted not in spec.choices:
        raise UsageError(f"{key} must be one of {', '.join(spec.choices)}", subject=origin)
    if spec.kind in (int, float) and converted < 0:
        raise UsageError(f"{key} must not be negative", subject=origin)
    return converted


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
    )


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the config file: {exc}", subject=str(path)) from None
