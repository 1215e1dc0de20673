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
        ({"ARCHIVER_TIMEOUT": "soon"}, "ARCHIVER_TIMEOUT: timeout must be a number"),
        ({"ARCHIVER_ROBOTS": "maybe"}, "robots must be one of obey, ignore"),
        ({"ARCHIVER_RETRIES": "-1"}, "retries must be a whole number from 0 to 10, not '-1'"),
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


# --- Every value checked, wherever it comes from (R18) ---------------------------------------

#: (key, bad value as TOML, as an environment variable, what the message says)
BAD_VALUES = [
    ("source_organization", '"Library\\nInjected: yes"', "Library\nInjected: yes",
     "source_organization must be one line without control characters"),
    ("contact_name", '"Ann\\u2028User"', "Ann\u2028User", "must be one line"),
    ("user_agent", '"a\\r\\nX-Injected: y"', "a\r\nX-Injected: y", "must be printable ASCII"),
    ("user_agent", '"Bücher/1.0"', "Bücher/1.0", "must be printable ASCII"),
    ("timeout", "nan", "nan", "timeout must be a number from 0.1 to 3600, not"),
    ("timeout", "inf", "inf", "timeout must be a number from 0.1 to 3600"),
    ("timeout", "1e309", "1e309", "timeout must be a number from 0.1 to 3600"),
    ("timeout", "0", "0", "timeout must be a number from 0.1 to 3600"),
    ("connect_timeout", "-inf", "-inf", "connect_timeout must be a number from 0.1 to 600"),
    ("retries", "1000000", "1000000", "retries must be a whole number from 0 to 10"),
    ("retries", "2.5", "2.5", "retries must be a whole number from 0 to 10"),
    ("retries", "true", "yes", "retries must be a whole number"),
    ("concurrency", "100000", "100000", "concurrency must be a whole number from 1 to 64"),
    ("concurrency", "0", "0", "concurrency must be a whole number from 1 to 64"),
    ("max_size", "0", "0", "max_size must be a whole number from 1 to 4294967296, not"),
    ("capture_timeout", "0", "0", "capture_timeout must be a number from 1 to 86400"),
    ("max_total_size", "-1", "-1", "max_total_size must be a whole number from 1 to"),
    ("allow_private", '"sometimes"', "sometimes", "allow_private must be true or false"),
    ("robots", '"maybe"', "maybe", "robots must be one of obey, ignore"),
    ("timestamp_url", '"ftp://tsa.example.org/"', "ftp://tsa.example.org/",
     "timestamp_url must be an http:// or https:// URL, not 'ftp://tsa.example.org/'"),
    ("timestamp_url", '"http://"', "http://",
     "timestamp_url must be an http:// or https:// URL: the URL names no host"),
    ("timestamp_url", '"http://[::1"', "http://[::1",
     "timestamp_url must be an http:// or https:// URL: not a valid URL"),
    ("timestamp_required", '"sometimes"', "sometimes", "timestamp_required must be true or"),
]


@pytest.mark.parametrize(("key", "toml", "env_value", "message"), BAD_VALUES)
def test_a_bad_value_in_a_store_config_is_refused_naming_the_file(
    tmp_path: Path, key: str, toml: str, env_value: str, message: str
) -> None:
    from archiver.config import SPECS

    (tmp_path / "archiver.toml").write_text(f"[{SPECS[key].section}]\n{key} = {toml}\n")
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, {})
    assert caught.value.subject == str(tmp_path / "archiver.toml")
    assert message in caught.value.message and "\n" not in str(caught.value)


@pytest.mark.parametrize(("key", "toml", "env_value", "message"), BAD_VALUES)
def test_a_bad_value_in_the_environment_is_refused_naming_the_variable(
    tmp_path: Path, key: str, toml: str, env_value: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, {f"ARCHIVER_{key.upper()}": env_value})
    assert caught.value.subject == f"ARCHIVER_{key.upper()}"
    assert message in caught.value.message and "\n" not in str(caught.value)


def test_a_bad_value_in_the_user_config_is_refused_naming_the_file(
    tmp_path: Path, user_config: Path
) -> None:
    user_config.write_text("[capture]\nretries = 40\n")
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, {})
    assert str(caught.value) == (
        f"{user_config}: retries must be a whole number from 0 to 10, not 40"
    )


def test_good_values_of_every_type_are_taken(tmp_path: Path) -> None:
    (tmp_path / "archiver.toml").write_text(
        "[capture]\ntimeout = 30\nmax_size = 2e6\nallow_private = true\n"
        'user_agent = "Library/1.0 (+https://library.example/)"\n'
        "[organization]\n" 'source_organization = "Bibliothèque nationale"\n'
    )
    env = {"ARCHIVER_CAPTURE_TIMEOUT": "60", "ARCHIVER_MAX_TOTAL_SIZE": "5000000"}
    settings = load_settings(tmp_path, {"concurrency": 4}, env)
    fetch = fetch_options_from(settings)
    assert (fetch.total_timeout, fetch.max_response_bytes, fetch.allow_private) == (
        30.0, 2_000_000, True)
    assert (fetch.capture_timeout, fetch.max_total_bytes, fetch.concurrency) == (
        60.0, 5_000_000, 4)
    assert agent_from(settings).source_organization == "Bibliothèque nationale"


def test_a_section_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "archiver.toml").write_text('capture = "fast"\n')
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path, {}, {})
    assert caught.value.subject == str(tmp_path / "archiver.toml")
    assert "capture must be a [capture] table" in caught.value.message


def test_the_cli_options_have_the_bounds_of_their_settings() -> None:
    """One set of bounds: what --retries refuses, ARCHIVER_RETRIES and the files refuse."""
    import click

    from archiver.config import OPTION_NAMES, SPECS

    options = {f"--{p.name.replace('_', '-')}": p for p in cli.commands["capture"].params}
    for key, spec in SPECS.items():
        if spec.section != "capture" or spec.low is None:
            continue
        flag = OPTION_NAMES.get(key, f"--{key.replace('_', '-')}")
        kind = options[flag].type
        assert isinstance(kind, click.IntRange | click.FloatRange), flag
        assert (kind.min, kind.max) == (spec.low, spec.high), flag


def test_a_bad_store_config_stops_a_capture_with_one_line_and_no_bag(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "archiver.toml").write_text('[organization]\nsource_organization = "A\\nB"\n')
    sample = Path(__file__).resolve().parents[2] / "samples" / "000_14cb049772c78afc.txt"
    result = CliRunner().invoke(cli, ["capture", str(sample), "--store", str(store)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"archiver: {store / 'archiver.toml'}: source_organization must be one line without "
        "control characters: 'A\\nB'\n"
    )
    assert sorted(p.name for p in store.iterdir()) == ["archiver.toml"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e309"])
def test_a_bad_option_value_is_a_usage_error_not_a_crash(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(
        cli, ["capture", "http://127.0.0.1:9/a.html", "--timeout", value, "--store",
              str(tmp_path / "s")]
    )
    assert result.exit_code == 2, result.output
    assert "--timeout" in result.stderr and "internal error" not in result.stderr
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())
