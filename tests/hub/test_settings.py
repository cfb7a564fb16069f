"""The settings file: defaults, schema checks, and messages that name the key, the value and what is allowed."""

import pytest
import yaml

from shiplab import settings
from shiplab.errors import SettingsError


def test_empty_file_means_defaults(tmp_path):
    """Does an empty settings file give every default?"""
    f = tmp_path / "s.yaml"
    f.write_text("")
    values = settings.load(f)
    assert values == settings.defaults()
    assert values["hub.bind_url"].startswith("http://127.0.0.1")


def test_every_setting_has_help_and_a_valid_default():
    """Does every setting carry help text, and does its default pass its own schema?"""
    for s in settings.SETTINGS:
        assert len(s.help) > 20, s.key
    nested = {}
    for s in settings.SETTINGS:
        section, name = s.key.split(".", 1)
        nested.setdefault(section, {})[name] = s.default
    assert settings.validate(nested) == settings.defaults()


@pytest.mark.parametrize("raw, fragments", [
    ({"auth": {"mode": "ldap"}}, ["auth.mode", "'ldap'", "demo, native, github, oidc"]),
    ({"culler": {"timeout": 10}}, ["culler.timeout", "10", "at least 300"]),
    ({"auth": {"demo_password": "short"}}, ["auth.demo_password", "'short'", "at least 8 characters"]),
    ({"hub": {"bind_ulr": "http://127.0.0.1:9000"}}, ["unknown setting `hub.bind_ulr`", "Did you mean `hub.bind_url`"]),
    ({"hubb": {}}, ["unknown setting `hubb`", "Did you mean `hub`"]),
    ({"spawner": {"mode": "podman"}}, ["spawner.mode", "'podman'", "unix-users"]),
    ({"hub": "yes"}, ["section `hub` must be a mapping"]),
])
def test_bad_setting_names_key_value_and_allowed(raw, fragments):
    """Is a wrong setting reported with its key, the bad value and what is allowed?"""
    with pytest.raises(SettingsError) as err:
        settings.validate(raw, source="shiplab.yaml")
    text = str(err.value)
    for f in fragments:
        assert f in text, (f, text)


def test_remote_bind_needs_explicit_opt_in_and_real_auth():
    """Does the hub stay on loopback unless remote access is asked for, and never with the demo password?"""
    with pytest.raises(SettingsError, match="allow_remote_access"):
        settings.validate({"hub": {"bind_url": "http://0.0.0.0:8000"}})
    with pytest.raises(SettingsError, match="only allowed on loopback"):
        settings.validate({"hub": {"bind_url": "http://0.0.0.0:8000", "allow_remote_access": True}})
    ok = settings.validate({"hub": {"bind_url": "http://0.0.0.0:8000", "allow_remote_access": True},
                            "auth": {"mode": "native"}})
    assert ok["auth.mode"] == "native"


def test_oidc_needs_its_endpoints():
    """Does oidc mode name the endpoints it is missing?"""
    with pytest.raises(SettingsError, match="oidc_token_url"):
        settings.validate({"auth": {"mode": "oidc", "oauth_client_id": "x", "oidc_authorize_url": "https://a/"}})


def test_bad_yaml_names_the_line(tmp_path):
    """Is broken YAML reported with its line number?"""
    f = tmp_path / "s.yaml"
    f.write_text("hub:\n  bind_url: http://127.0.0.1:8000\n auth: [\n")
    with pytest.raises(SettingsError, match="line"):
        settings.load(f)


def test_the_shipped_settings_file_is_valid():
    """Does hub_config/shiplab.yaml pass its own schema?"""
    values = settings.load(settings.REPO_ROOT / "hub_config" / "shiplab.yaml")
    assert values["auth.mode"] == "demo"
    assert yaml.safe_load((settings.REPO_ROOT / "hub_config" / "shiplab.yaml").read_text())
