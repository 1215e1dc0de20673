"""Settings: each value comes from the highest-ranked source that sets it, and says which."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.config import agent_from, fetch_options_from, load_settings, resolve_store
from archiver.errors import UsageError


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real user config file, found through XDG_CONFIG_HOME."""
    home = tmp_path / "xdg"
    (home / "archiver").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("ARCHIVER_STORE", raising=False)
    path = home / "archiver" / "config.toml"
    path.write_text(
        'store = "/srv/archive"\n'
        "[organization]\n"
        'source_organization = "User Library"\n'
        'contact_name = "Ann User"\n'
        "[capture]\n"
        "timeout = 30\n"
        'robots = "obey"\n'
    )
    return path


def test_each_value_comes_from_the_highest_source(tmp_path: Path, user_config: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "archiver.toml").write_text(
        '[organization]\nsource_organization = "Store Library"\n[capture]\nretries = 5\n'
    )
    env = {"ARCHIVER_CONTACT_NAME": "Env Name", "ARCHIVER_RETRIES": "1"}
    settings = load_settings(store, {"timeout": 5.0, "retries": None}, env)
    assert (settings["timeout"].value, settings["timeout"].origin) == (5.0, "option")
    assert (settings["retries"].value, settings["retries"].origin) == (1, "environment")
    assert settings["contact_name"].value == "Env Name"
    assert settings["source_organization"].value == "Store Library"
    assert settings["source_organization"].origin == str(store / "archiver.toml")
    assert (settings["robots"].value, settings["robots"].origin) == ("obey", str(user_config))
    assert settings["concurrency"].origin == "default"
    assert agent_from(settings).source_organization == "Store Library"
    fetch = fetch_options_from(settings, requisites=False)
    assert (fetch.total_timeout, fetch.retries, fetch.robots, fetch.requisites) == (
        5.0,
        1,
        "obey",
        False,
    )


def test_the_store_comes_from_option_env_user_config_or_default(
    tmp_path: Path, user_config: Path
) -> None:
    assert resolve_store(tmp_path, {}).value == tmp_path
    assert resolve_store(None, {"ARCHIVER_STORE": "/x"}).origin == "environment"
    assert resolve_store(None, {}).value == Path("/srv/archive")
    user_config.unlink()
    assert (resolve_store(None, {}).value, resolve_store(None, {}).origin) == (
        Path("archive"),
        "default",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ARCHIVER_TIMEOUT": "soon"}, "ARCHIVER_TIMEOUT: timeout must be a float"),
        ({"ARCHIVER_ROBOTS": "maybe"}, "robots must be one of obey, ignore"),
        ({"ARCHIVER_RETRIES": "-1"}, "must not be negative"),
    ],
)
def test_bad_values_are_usage_errors(tmp_path: Path, env: dict, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, env)
    assert message in str(caught.value)


def test_a_broken_config_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "archiver.toml").write_text("[organization\n")
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, {})
    assert str(tmp_path / "archiver.toml") in str(caught.value)


def test_config_command_shows_values_and_origins(tmp_path: Path, user_config: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["config", "--store", str(tmp_path), "--json"],
        env={"ARCHIVER_CONTACT_EMAIL": "me@example.org"},
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["store"] == {"value": str(tmp_path), "origin": "option"}
    assert document["settings"]["contact_email"] == {
        "value": "me@example.org",
        "origin": "environment",
    }
    assert document["settings"]["timeout"]["origin"] == str(user_config)
