"""The ONNX encoder of the built-in model: fp32 (a setting) gives the same vectors as the torch
path, int8 (the default) stays close to fp32, each has its own identity, and no torch, transformers or
sentence-transformers at run time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import CACHE, LETTERS, REPO, make_engine
from index.embedding import Embedder
from index.errors import UserError
from index.offline_model import offline_model_dir
from index.chunking import chunk_letter, index_text
from index.letters import load_letters
from index.onnx_encoder import BULK_FROM, EMBEDDINGS, PRECISIONS, identity, onnx_model_dir

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
def fp32() -> Embedder:
    return Embedder.load(None, CACHE, encoder="onnx-fp32")


@pytest.fixture(scope="module")
def int8() -> Embedder:
    return Embedder.load(None, CACHE, encoder="onnx-int8")


def real_passages() -> list[str]:
    """Every passage of the shipped letters and of the fresh eval letters, as indexed."""
    texts = []
    for folder in (REPO / "letters", REPO / "tests" / "eval" / "letters-fresh"):
        for letter in load_letters(folder).letters:
            texts += [index_text(letter.title, chunk) for chunk in chunk_letter(letter)]
    return list(dict.fromkeys(texts))


def test_the_export_is_cached_beside_the_converted_model():
    folder = onnx_model_dir(CACHE)
    assert folder.parent == offline_model_dir(CACHE).parent
    assert all((folder / name).is_file() for name in [*PRECISIONS.values(), EMBEDDINGS, "tokenizer.json"])
    assert not list(CACHE.glob(".export-*")), "a finished export leaves no temporary folder"


def test_int8_is_the_default_and_fp32_gives_the_torch_vectors(embedder, fp32, int8, torch_embedder):
    assert embedder.info.fingerprint == int8.info.fingerprint and fp32.info.fingerprint.endswith("+onnx-fp32")
    onnx_docs, torch_docs = fp32.encode_documents(TEXTS), torch_embedder.encode_documents(TEXTS)
    onnx_q, torch_q = fp32.encode_queries(TEXTS[:2]), torch_embedder.encode_queries(TEXTS[:2])
    assert np.all(np.sum(onnx_docs * torch_docs, axis=1) > 0.9999)
    assert np.all(np.sum(onnx_q * torch_q, axis=1) > 0.9999)


def test_int8_stays_close_to_fp32_on_real_passages(fp32, int8):
    """The smoothed per-channel int8 export (index/int8_export.py) against fp32 on every real
    passage: plain dynamic int8 gave a mean cosine of ~0.986 (min ~0.980), and scores then
    moved by up to 0.04, more than the relevance margin's near-ties can take."""
    passages = real_passages()
    assert len(passages) > 100
    docs = np.sum(int8.encode_documents(passages) * fp32.encode_documents(passages), axis=1)
    assert docs.mean() > 0.998 and docs.min() > 0.996, (docs.mean(), docs.min())
    queries = np.sum(int8.encode_queries(TEXTS) * fp32.encode_queries(TEXTS), axis=1)
    assert queries.min() > 0.997, queries
    vectors = int8.encode_documents(TEXTS[:3])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert not np.array_equal(vectors, fp32.encode_documents(TEXTS[:3]))  # another model: its own identity
    assert int8.info.fingerprint.endswith(identity("int8"))


def test_the_int8_model_is_smoothed_and_quantized_per_channel():
    import onnx

    model = onnx.load(str(onnx_model_dir(CACHE) / PRECISIONS["int8"]), load_external_data=False)
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("QAttention") == 12 and ops.count("MatMulInteger") == 36  # every projection of 12 layers
    assert sum(n.name.endswith("_smooth") for n in model.graph.node) == 48
    weight_scales = {i.name: i.dims for i in model.graph.initializer if i.name.endswith("_scale") and "MatMul" in i.name}
    assert weight_scales and all(dims and dims[0] > 1 for dims in weight_scales.values()), "one scale per channel"


def test_int8_vectors_do_not_depend_on_their_batch(int8):
    together = int8.encode_documents(TEXTS)
    assert np.allclose(together[1], int8.encode_documents([TEXTS[1]])[0], atol=1e-6)


def test_a_reindex_sized_call_gives_the_vectors_of_one_text_at_a_time(fp32, int8):
    """Many texts run on one single-threaded session per core: same vectors, same order."""
    texts = [f"Ledenbrief {i}: de gemeente ontvangt {i * 7} euro per inwoner voor taak {i % 5}." for i in range(BULK_FROM + 6)]
    for encoder in (fp32, int8):
        bulk = encoder.encode_documents(texts)
        for i in (0, 1, 33, len(texts) - 1):
            assert np.allclose(bulk[i], encoder.encode_documents([texts[i]])[0], atol=1e-5)


def test_identical_passages_get_identical_vectors(fp32, int8):
    texts = [TEXTS[1], TEXTS[2], TEXTS[1], "Met vriendelijke groet, VNG"]
    for encoder in (fp32, int8):
        vectors = encoder.encode_documents(texts)
        assert np.array_equal(vectors[0], vectors[2])  # embedded once and shared
        assert not np.allclose(vectors[0], vectors[1])


def test_each_encoder_has_its_own_identity(fp32, int8, torch_embedder):
    fingerprints = {fp32.info.fingerprint, int8.info.fingerprint, torch_embedder.info.fingerprint}
    assert len(fingerprints) == 3  # so an index built by one is refused by the others


def test_an_index_of_another_encoder_is_refused_once_not_reloaded_on_every_question(sample_engine, fp32):
    from index.errors import ModelMismatch

    engine = make_engine(sample_engine.index_dir, LETTERS, fp32)  # the sample index is the default int8's
    with pytest.raises(ModelMismatch, match="run `ledenbot reindex`") as first:
        engine.ask("Wanneer is het volgende BOFv?")
    with pytest.raises(ModelMismatch) as again:
        engine.ask("Wanneer is het volgende BOFv?")
    assert again.value is first.value  # remembered for this build, not loaded again


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
