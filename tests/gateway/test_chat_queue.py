"""The local model's queue under a real uvicorn: requests whose client gave up are dropped (waiting or running), and
a request that could not be answered in time is told so at once with its place and the expected wait.

Real: the gateway app, uvicorn, the HTTP clients giving up (httpx timeouts close their connections), the policy and
the usage log. The model is the outer edge: a stand-in that takes a fixed time per answer and stops when told."""

import asyncio
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.queue import FairQueue
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import identify

JOB_SECONDS = 1.0


class SlowLLM:
    """Takes JOB_SECONDS per answer, checking ``cancel`` every 10 ms as llama.cpp's loop does between tokens."""

    model_name = "gemma-3-270m"

    def __init__(self):
        self.started: list[str] = []
        self.finished: list[tuple[str, str]] = []

    def complete(self, messages, max_tokens=128, temperature=0.0, stop=None, cancel=None):
        prompt = messages[-1]["content"]
        self.started.append(prompt)
        deadline = time.monotonic() + JOB_SECONDS
        while time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                self.finished.append((prompt, "cancelled"))
                return {"text": "", "finish_reason": "cancelled", "prompt_tokens": 3, "completion_tokens": 0}
            time.sleep(0.01)
        self.finished.append((prompt, "stop"))
        return {"text": f"answer to {prompt}", "finish_reason": "stop", "prompt_tokens": 3, "completion_tokens": 2}


@pytest.fixture
def served(tmp_path):
    llm = SlowLLM()
    queue = FairQueue(prior_seconds=JOB_SECONDS)
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "u.sqlite"),
                     Backends(llm=llm), Budget(100_000, 1000), identify, queue=queue)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", llm, queue
    server.should_exit = True
    thread.join(timeout=10)


def chat(prompt, max_wait=None):
    headers = {"Authorization": "Bearer tok-anna"}
    if max_wait is not None:
        headers["X-Shiplab-Max-Wait"] = str(max_wait)
    return {"json": {"messages": [{"role": "user", "content": prompt}], "max_tokens": 10}, "headers": headers}


async def ask(url, prompt, timeout, user="anna", max_wait=None):
    """One participant's call; ('gone', None) when the client gives up after ``timeout`` seconds."""
    kwargs = chat(prompt, max_wait)
    kwargs["headers"]["Authorization"] = f"Bearer tok-{user}"
    async with httpx.AsyncClient(timeout=timeout) as client:
        try:
            r = await client.post(f"{url}/v1/chat/completions", **kwargs)
        except httpx.TimeoutException:
            return "gone", None
        return r.status_code, r


def test_requests_whose_clients_gave_up_never_run_and_the_next_is_answered_at_once(served):
    """With one answer running and three queued behind it whose clients give up after 0.5 s, does a participant
    asking next wait only for the running answer and their own (about 2 s, not 5), the three never reaching the
    model — and does the one whose client gives up *while* its answer runs have it stopped?"""
    url, llm, queue = served

    async def scenario():
        first = asyncio.create_task(ask(url, "running", 30, user="ben"))
        await asyncio.sleep(0.2)
        gave_up = await asyncio.gather(*(ask(url, f"abandoned-{i}", 0.5) for i in range(3)))
        t0 = time.perf_counter()
        status, r = await ask(url, "next", 30, user="ben")
        took = time.perf_counter() - t0
        return await first, gave_up, status, r, took

    first, gave_up, status, r, took = asyncio.run(scenario())
    assert gave_up == [("gone", None)] * 3
    assert first[0] == 200 and status == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == "answer to next"
    assert not any(p.startswith("abandoned") for p in llm.started), llm.started
    assert took < 2 * JOB_SECONDS + 0.8, f"the next request waited {took:.1f} s behind abandoned ones"
    assert queue.snapshot()["dropped"] == 3

    async def leaves_while_running():
        return await ask(url, "long", 0.4)

    assert asyncio.run(leaves_while_running()) == ("gone", None)
    deadline = time.monotonic() + 5
    while ("long", "cancelled") not in llm.finished and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ("long", "cancelled") in llm.finished, llm.finished
    assert httpx.get(f"{url}/health", timeout=5).json()["chat_queue"]["dropped"] == 4


async def until_queued(url, waiting):
    """Until the gateway's /health shows one answer running and ``waiting`` requests waiting."""
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(200):
            q = (await client.get(f"{url}/health")).json()["chat_queue"]
            if q["running"] and q["waiting"] == waiting:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(f"the queue never showed {waiting} waiting: {q}")


def test_a_busy_gateway_says_the_queue_position_and_the_wait_at_once(served):
    """With three answers ahead (one running, two waiting), is a request that waits at most 2 s answered at once
    with 503 'busy', its place in the queue (4), the expected wait (about 3 s) and Retry-After — and one that can
    wait 30 s served in its turn with its place in a header?"""
    url, llm, _ = served

    async def scenario():
        ahead = []
        for waiting, u in enumerate(("anna", "ben", "anna")):  # anna's first runs, ben's and anna's second wait
            ahead.append(asyncio.create_task(ask(url, f"ahead-{u}", 30, user=u)))
            await until_queued(url, waiting)
        t0 = time.perf_counter()
        busy = await ask(url, "impatient", 30, user="ben", max_wait=2)
        answered_in = time.perf_counter() - t0
        patient = await ask(url, "patient", 30, user="ben", max_wait=30)
        return [await a for a in ahead], busy, answered_in, patient

    ahead, (status, r), answered_in, (patient_status, patient) = asyncio.run(scenario())
    assert status == 503 and answered_in < 1.5, (status, answered_in)  # at once, not after the 3 s wait
    error = assert_error(r, 503, "busy", shape="openai", extra=("queue_position", "expected_wait_s"))
    assert error["queue_position"] == 4
    assert 2.0 < error["expected_wait_s"] <= 4.5, error
    assert "3 requests are ahead of yours" in error["message"]
    assert int(r.headers["retry-after"]) >= 1
    assert "impatient" not in llm.started
    assert [a[0] for a in ahead] == [200, 200, 200] and patient_status == 200
    assert int(patient.headers["x-shiplab-queue-position"]) >= 2


def test_the_expected_wait_follows_the_measured_job_time():
    """Does the queue's estimate start from its prior and move toward the measured time of finished jobs?"""
    async def scenario():
        queue = FairQueue(prior_seconds=5.0)
        for _ in range(6):
            await queue.run("anna", lambda cancel: time.sleep(0.05))
        return queue

    queue = asyncio.run(scenario())
    assert queue.mean_seconds < 1.0 and queue.snapshot()["served"] == 6
    assert queue.ahead("anna") == 0 and queue.expected_wait(2) == pytest.approx(3 * queue.mean_seconds)


def test_the_notebook_says_the_gateway_is_busy_not_restart_your_server(served):
    """Does the labs' chat model (shiplab.rag.llm), with three answers ahead and 6 s to wait, say the gateway is busy,
    its place in the queue and when to try again — and never tell the participant to restart their server?"""
    from shiplab.rag.llm import GatewayChatModel, LLMError

    url, llm, _ = served

    async def three_ahead():
        ahead = []
        for waiting, u in enumerate(("anna", "ben", "anna")):
            ahead.append(asyncio.create_task(ask(url, f"ahead-{u}", 30, user=u)))
            await until_queued(url, waiting)
        model = GatewayChatModel(base_url=f"{url}/v1", token="tok-ben", timeout=6)  # waits at most 1 s in line
        try:
            await asyncio.to_thread(model.invoke, "hello")
        except LLMError as exc:
            error = exc
        else:
            error = None
        await asyncio.gather(*ahead)
        return error

    error = asyncio.run(three_ahead())
    assert error is not None, "the busy gateway's call was answered"
    text = str(error)
    assert "busy" in text and "number 4 in the queue" in text and "Run the cell again in about" in text, text
    assert "restart" not in text.lower().replace("no need to restart", ""), text
    assert "hello" not in llm.started


def test_a_call_that_times_out_says_the_model_is_busy(served):
    """When the answer takes longer than the notebook waits, does the error say the local model is busy and that
    the request was dropped — not that the server may be down?"""
    from shiplab.rag.llm import GatewayChatModel, LLMError

    url, _, queue = served
    model = GatewayChatModel(base_url=f"{url}/v1", token="tok-anna", timeout=0.5)
    with pytest.raises(LLMError) as err:
        model.invoke("slow")
    text = str(err.value)
    assert "did not answer within" in text and "busy" in text and "Is your server running" not in text, text
    deadline = time.monotonic() + 5
    while queue.snapshot()["dropped"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.snapshot()["dropped"] == 1
