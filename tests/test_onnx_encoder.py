"""The ONNX encoder of the built-in model: the same vectors as the torch path, its own
identity per precision, and no torch, transformers or sentence-transformers at run time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import CACHE, REPO
from index.embedding import Embedder
from index.errors import UserError
from index.offline_model import offline_model_dir
from index.onnx_encoder import BULK_FROM, EMBEDDINGS, PRECISIONS, onnx_model_dir

TEXTS = [
    "Wanneer is het volgende BOFv?",
    "Op 4 april staat weer een BOFv gepland over de normering van het gemeentefonds. " * 12,
    "kort",
    "De cao-onderhandelingen " * 300,  # longer than 512 tokens: truncated as the torch path does
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder.load(None, CACHE, encoder="torch")


@pytest.fixture(scope="module")
def int8() -> Embedder:
    return Embedder.load(None, CACHE, encoder="onnx-int8")


def test_the_export_is_cached_beside_the_converted_model():
    folder = onnx_model_dir(CACHE)
    assert folder.parent == offline_model_dir(CACHE).parent
    assert all((folder / name).is_file() for name in [*PRECISIONS.values(), EMBEDDINGS, "tokenizer.json"])
    assert not list(CACHE.glob(".export-*")), "a finished export leaves no temporary folder"


def test_fp32_the_default_gives_the_torch_vectors(embedder, torch_embedder):
    assert embedder.info.fingerprint.endswith("+onnx-fp32")
    onnx_docs, torch_docs = embedder.encode_documents(TEXTS), torch_embedder.encode_documents(TEXTS)
    onnx_q, torch_q = embedder.encode_queries(TEXTS[:2]), torch_embedder.encode_queries(TEXTS[:2])
    assert np.all(np.sum(onnx_docs * torch_docs, axis=1) > 0.9999)
    assert np.all(np.sum(onnx_q * torch_q, axis=1) > 0.9999)


def test_int8_is_close_but_is_another_model(embedder, int8):
    docs = int8.encode_documents(TEXTS[:3])
    assert np.all(np.sum(docs * embedder.encode_documents(TEXTS[:3]), axis=1) > 0.95)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-5)


def test_int8_vectors_do_not_depend_on_their_batch(int8):
    together = int8.encode_documents(TEXTS)
    assert np.allclose(together[1], int8.encode_documents([TEXTS[1]])[0], atol=1e-6)


def test_a_reindex_sized_call_gives_the_vectors_of_one_text_at_a_time(embedder, int8):
    """Many texts run on one single-threaded session per core: same vectors, same order."""
    texts = [f"Ledenbrief {i}: de gemeente ontvangt {i * 7} euro per inwoner voor taak {i % 5}." for i in range(BULK_FROM + 6)]
    for encoder in (embedder, int8):
        bulk = encoder.encode_documents(texts)
        for i in (0, 1, 33, len(texts) - 1):
            assert np.allclose(bulk[i], encoder.encode_documents([texts[i]])[0], atol=1e-5)


def test_identical_passages_get_identical_vectors(embedder, int8):
    texts = [TEXTS[1], TEXTS[2], TEXTS[1], "Met vriendelijke groet, VNG"]
    for encoder in (embedder, int8):
        vectors = encoder.encode_documents(texts)
        assert np.array_equal(vectors[0], vectors[2])  # embedded once and shared
        assert not np.allclose(vectors[0], vectors[1])


def test_each_encoder_has_its_own_identity(embedder, int8, torch_embedder):
    fingerprints = {embedder.info.fingerprint, int8.info.fingerprint, torch_embedder.info.fingerprint}
    assert len(fingerprints) == 3  # so an index built by one is refused by the others


def test_an_unknown_encoder_is_a_clear_error():
    with pytest.raises(UserError, match="LEDENBOT_ENCODER is 'cuda'; use one of onnx-fp32, onnx-int8, torch"):
        Embedder.load(None, CACHE, encoder="cuda")


def test_answering_imports_no_torch(sample_engine):
    """`ledenbot ask` and the Slack app on the default encoder: onnxruntime only."""
    code = textwrap.dedent(f"""
        import sys
        from bot.cli import main
        import bot.app, bot.server
        rc = main(["ask", "--index", {str(sample_engine.index_dir)!r}, "Wanneer is het volgende BOFv?"])
        heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
        print("HEAVY", heavy, "RC", rc)
    """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(CACHE.parent.parent), "LEDENBOT_CACHE_DIR": str(CACHE)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert "HEAVY [] RC 0" in out.stdout, out.stdout + out.stderr
    assert "BOFv" in out.stdout
