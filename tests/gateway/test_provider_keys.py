"""External providers' keys go from the hub's environment to the gateway through the state's secrets folder:
never in the hub's service configuration (which JupyterHub stores in its database), readable by the hub's account
only, removed when the operator removes them."""

import stat

from traitlets.config import Config

from shiplab.web import provider_keys
from shiplab.hub.config import HubContext, apply_config

PROVIDERS = [{"name": "azure", "base_url": "https://example.invalid/v1", "model": "gpt", "key_env": "AZ_KEY"}]
KEY = "sk-live-0123456789abcdef"


def test_key_is_stored_private_loaded_back_and_removed_with_the_environment(tmp_path):
    """Is the key written 0600 in a 0700 folder, read back by the gateway's loader, and gone once unset?"""
    assert provider_keys.store(tmp_path, PROVIDERS, {"AZ_KEY": KEY}) == ["AZ_KEY"]
    path = tmp_path / "secrets" / "provider-AZ_KEY"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700
    assert provider_keys.load(tmp_path, "AZ_KEY", environ={}) == KEY
    assert provider_keys.load(tmp_path, "AZ_KEY", environ={"AZ_KEY": "from-env"}) == "from-env"
    provider_keys.store(tmp_path, PROVIDERS, {})
    assert not path.exists() and provider_keys.load(tmp_path, "AZ_KEY", environ={}) == ""
    provider_keys.store(tmp_path, PROVIDERS, {"AZ_KEY": KEY})
    provider_keys.store(tmp_path, [], {"AZ_KEY": KEY})  # the provider was removed from the settings
    assert not path.exists()


def test_key_never_appears_in_the_hub_configuration(tmp_path):
    """Does the hub's generated configuration (services' environment included) never carry the key?"""
    from shiplab import settings

    flat = settings.validate({"gateway": {"external_providers": PROVIDERS}}, "test")
    c = Config()
    ctx = HubContext(state=tmp_path, repo_root=tmp_path, is_root=False, environ={"AZ_KEY": KEY})
    apply_config(flat, c, ctx, [])
    assert KEY not in repr(c)
