"""Settings: organisation fields and defaults, from options, environment and TOML files.

Precedence, highest first: command-line options, environment variables (``ARCHIVER_*``),
``archiver.toml`` in the store, ``$XDG_CONFIG_HOME/archiver/config.toml`` (default
``~/.config/archiver/config.toml``), built-in defaults. Every value remembers where it came
from, for ``archiver config``.

A config file looks like::

    [organization]
    source_organization = "Example Library"
    organization_address = "1 Main Street, Springfield"
    contact_name = "Jane Archivist"
    contact_email = "jane@example.org"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import UsageError
from archiver.model import Agent

ORGANIZATION_KEYS = ("source_organization", "organization_address", "contact_name", "contact_email")
DEFAULTS = {"source_organization": "Unspecified"}


@dataclass(frozen=True)
class Setting:
    """One effective value and where it came from."""

    key: str
    value: str | None
    origin: str


def config_files(store: Path) -> list[Path]:
    """The config files consulted, highest precedence first."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [store / "archiver.toml", home / "archiver" / "config.toml"]


def load_settings(
    store: Path, options: Mapping[str, str | None], env: Mapping[str, str] | None = None
) -> dict[str, Setting]:
    """The effective organisation settings with their origins."""
    env = os.environ if env is None else env
    layers: list[tuple[str, Mapping[str, object]]] = [("option", options)]
    layers.append(("environment", {k: env.get(f"ARCHIVER_{k.upper()}") for k in ORGANIZATION_KEYS}))
    for path in config_files(store):
        layers.append((str(path), _read_toml(path).get("organization", {})))
    layers.append(("default", DEFAULTS))
    settings = {}
    for key in ORGANIZATION_KEYS:
        settings[key] = Setting(key, None, "unset")
        for origin, values in layers:
            value = values.get(key) if isinstance(values, Mapping) else None
            if value:
                settings[key] = Setting(key, str(value), origin)
                break
    return settings


def agent_from(settings: Mapping[str, Setting]) -> Agent:
    """The :class:`Agent` (bag-info organisation fields) the settings describe."""
    values = {key: s.value for key, s in settings.items() if s.value}
    return Agent(**values)


def _read_toml(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the config file: {exc}", subject=str(path)) from None
