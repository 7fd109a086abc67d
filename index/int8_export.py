"""The int8 model of the ONNX export, made to stay close to fp32.

onnxruntime's dynamic int8 quantizes each MatMul's input with one scale for the whole
tensor. A transformer's layer-norm outputs have a few channels far larger than the rest, so
that scale is coarse for every other channel: plain dynamic int8 of this model gave vectors
at cosine ~0.986 to fp32, enough noise to move a score past the relevance floor or to swap two
letters that say the same. Two changes bring it to ~0.999 at the same speed:

- SmoothQuant (Xiao et al., 2022): each quantized MatMul's input channel j is divided by s_j
  and row j of its weight multiplied by s_j, which leaves the product unchanged in exact
  arithmetic and moves the outliers' range from the activations (one scale per tensor) into
  the weights (quantized per output channel). s_j = max|x_j|^α / max|w_j|^(1-α), with the
  activations' maxima measured on the calibration texts below; the division is one Mul per
  MatMul, a pass over the input that costs little beside the product.
- per-channel weight scales (one per output column instead of one per matrix).

The calibration texts are short municipal-letter style texts and questions plus everyday
ones: which channels carry the outliers is a property of the model, not of the letters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ALPHA = 0.75  # mean cosine to fp32 of 145 real passages: 0.9991 (0.8: 0.9989; plain per-channel int8: 0.9961)
QUANTIZED_OPS = ("Attention", "MatMul")  # the fused QKV projection and the other three MatMuls of each layer

CALIBRATION = [
    "query: Wanneer is het volgende BOFv?",
    "query: Wat vraagt de VNG aan het kabinet over de financiering van de jeugdzorg?",
    "query: Hoeveel opvangplekken zijn er nodig voor asielzoekers in 2024?",
    "query: What does the new collective agreement say about salaries?",
    "query: Wie heeft de ledenbrief over de Omgevingswet ondertekend?",
    "query: Wat is het laatste nieuws over de septembercirculaire gemeentefonds?",
    "passage: Op 4 april staat weer een Bestuurlijk Overleg Financiële verhoudingen (BOFv) gepland. "
    "Daar bespreken Rijk en gemeenten de normering van het gemeentefonds en de opschalingskorting.",
    "passage: De VNG vraagt het kabinet om structureel extra middelen voor de uitvoering van de "
    "Jeugdwet. Gemeenten kunnen de tekorten niet langer opvangen binnen hun begroting; de "
    "Hervormingsagenda Jeugd moet daarom ook financieel worden waargemaakt.",
    "passage: Ledenbrief Lbr. 24/040. Aan de leden. Betreft: cao Gemeenten 2024-2025. Het College "
    "voor Arbeidszaken heeft een onderhandelingsresultaat bereikt met de vakbonden: een "
    "loonsverhoging van 10% in twee stappen, per 1 januari 2024 en per 1 januari 2025, en een "
    "eenmalige uitkering van € 1.000 bruto. Wij vragen u vóór 15 maart te reageren.",
    "passage: Met ingang van 1 januari 2024 treedt de Omgevingswet in werking. Gemeenten stellen "
    "een omgevingsplan vast en werken met het Digitaal Stelsel Omgevingswet (DSO). Het "
    "Informatiepunt Leefomgeving ondersteunt bij vragen over vergunningverlening, toezicht en "
    "handhaving. Zie www.vng.nl/omgevingswet voor de handreiking en de modelverordening.",
    "passage: Met vriendelijke groet, Vereniging van Nederlandse Gemeenten, Jan Jansen, voorzitter "
    "College voor Arbeidszaken. Kenmerk TLF/U202400123. Telefoon (070) 373 83 93.",
    "passage: De wedstrijd eindigde in een gelijkspel na een doelpunt in de laatste minuut.",
    "passage: Voeg de ui en knoflook toe en laat het geheel tien minuten sudderen.",
    "passage: The municipalities ask the government for additional funding for youth care, "
    "social support and the reception of asylum seekers in 2025 and 2026.",
]


def quantize_smooth(fp32: Path, out: Path, feeds) -> None:
    """Write the int8 model of `fp32` to `out`. `feeds`: the model's input dicts for the
    calibration texts (see calibration_feeds)."""
    import onnx
    from onnx import helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(fp32))
    weights = {i.name: i for i in model.graph.initializer}
    targets = [n for n in model.graph.node if n.op_type in QUANTIZED_OPS and n.input[1] in weights]
    maxima = _input_maxima(fp32, sorted({n.input[0] for n in targets}), feeds)
    nodes = []
    for node in model.graph.node:
        if node in targets:
            w = numpy_helper.to_array(weights[node.input[1]])
            scale = (np.maximum(maxima[node.input[0]], 1e-5) ** ALPHA
                     / np.maximum(np.abs(w).max(axis=1), 1e-5) ** (1 - ALPHA)).astype(np.float32)
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(w * scale[:, None], node.input[1]))
            divisor = numpy_helper.from_array((1 / scale).astype(np.float32), f"{node.name}_smooth")
            model.graph.initializer.append(divisor)
            smoothed = f"{node.input[0]}_smoothed_for_{node.name}"
            nodes.append(helper.make_node("Mul", [node.input[0], divisor.name], [smoothed], name=f"{node.name}_smooth"))
            node.input[0] = smoothed
        nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    smoothed_path = out.with_name(out.stem + "-smoothed-fp32.onnx")
    onnx.save(model, str(smoothed_path))
    try:
        # The fused ops are outside ONNX's shape inference: their outputs are float32.
        quantize_dynamic(str(smoothed_path), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=list(QUANTIZED_OPS),
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        smoothed_path.unlink(missing_ok=True)


def calibration_feeds(tokenizer, embeddings: np.ndarray) -> list[dict]:
    passages = [t.removeprefix("passage: ") for t in CALIBRATION if t.startswith("passage: ")]
    # also one long passage: maxima grow with the number of tokens, and passages run to 512
    feeds = []
    for text in [*CALIBRATION, "passage: " + " ".join(passages * 2)]:
        ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        feeds.append({"inputs_embeds": np.asarray(embeddings[ids], dtype=np.float32), "attention_mask": np.ones_like(ids)})
    return feeds


def _input_maxima(fp32: Path, names: list[str], feeds) -> dict[str, np.ndarray]:
    """The largest |value| of each channel of the tensors `names`, over the calibration runs."""
    import onnx
    import onnxruntime as ort
    from onnx import helper

    probe = onnx.load(str(fp32))
    for name in names:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    maxima = {name: np.zeros(1, dtype=np.float32) for name in names}
    for feed in feeds:
        for name, value in zip(names, session.run(names, feed)):
            maxima[name] = np.maximum(maxima[name], np.abs(value.reshape(-1, value.shape[-1])).max(axis=0))
    return maxima
