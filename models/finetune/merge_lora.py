"""Merges a LoRA GGUF into its base GGUF, as llama.cpp's export-lora tool does, without building that tool.

Why: node-llama-cpp applies an adapter at run time as extra matrix products on every layer. On the 135M model on
2 CPU cores that cost 13% of decode speed, outside the promotion gate's 10% guard, so a LoRA could never be
promoted on CPU. A merged file runs at the speed of a plain model.

Each weight W the adapter touches becomes W + (alpha / rank) * B @ A, computed in float32 from the dequantized base
weight. The merged weight cannot go back to the base's 4-bit type: the base weights sit exactly on that type's grid
and a LoRA's delta is mostly smaller than half a grid step, so requantizing would round most of it away. Merged
weights are written as --type (Q8_0 by default, 8.5 bits per weight); every other tensor and every metadata key is
copied unchanged.

Uses the gguf-py of the llama.cpp source node-llama-cpp ships (--llama-cpp), so the file matches the runtime.
The last stdout line is a JSON summary.
"""
import argparse
import json
import os
import sys
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="the runtime's model file")
    p.add_argument("--lora", required=True, help="LoRA .gguf (convert_lora_to_gguf.py output)")
    p.add_argument("--out", required=True)
    p.add_argument("--llama-cpp", required=True, help="a checkout of the llama.cpp source node-llama-cpp ships")
    p.add_argument("--type", default="q8_0", choices=["q8_0", "f16"], help="type of the merged weights")
    args = p.parse_args()

    sys.path.insert(0, os.path.join(args.llama_cpp, "gguf-py"))
    import gguf
    import numpy as np

    started = time.time()
    base = gguf.GGUFReader(args.base)
    merged_type = {"q8_0": gguf.GGMLQuantizationType.Q8_0, "f16": gguf.GGMLQuantizationType.F16}[args.type]

    pairs: dict[str, dict[str, np.ndarray]] = {}
    lora = gguf.GGUFReader(args.lora)
    alpha_field = lora.fields.get("adapter.lora.alpha")
    alpha = float(alpha_field.contents()) if alpha_field is not None else None
    for t in lora.tensors:
        for suffix in (".lora_a", ".lora_b"):
            if t.name.endswith(suffix):
                pairs.setdefault(t.name[: -len(suffix)], {})[suffix] = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
    names = {t.name for t in base.tensors}
    missing = sorted(n for n in pairs if n not in names or len(pairs[n]) != 2)
    if missing:
        raise SystemExit(f"the adapter does not fit this base: {missing[:3]}")
    if not pairs:
        raise SystemExit("the adapter holds no LoRA tensors")

    arch = base.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(args.out, arch=arch, endianess=base.endianess)
    for field in base.fields.values():
        # The architecture and the GGUF.* virtual fields are written by GGUFWriter itself.
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)

    out: list[tuple[str, np.ndarray, gguf.GGMLQuantizationType]] = []
    max_delta = 0.0
    for t in base.tensors:
        if t.name not in pairs:
            out.append((t.name, t.data, t.tensor_type))
            continue
        w = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        a, b = pairs[t.name][".lora_a"], pairs[t.name][".lora_b"]
        # As llama.cpp scales an adapter: alpha / rank, or 1 without alpha.
        delta = (b @ a) * ((alpha / a.shape[0]) if alpha else 1.0)
        if delta.shape != w.shape:
            raise SystemExit(f"{t.name}: adapter shape {delta.shape} does not match the base {w.shape}")
        max_delta = max(max_delta, float(np.abs(delta).max()))
        w = w + delta
        data = gguf.quants.quantize(w, merged_type) if merged_type != gguf.GGMLQuantizationType.F16 else w.astype(np.float16)
        out.append((t.name, data, merged_type))

    for name, data, qtype in out:
        writer.add_tensor_info(name, data.shape, data.dtype, data.nbytes, qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for _, data, _ in out:
        writer.write_tensor_data(data)
    writer.close()
    print(json.dumps({"merged": len(pairs), "type": args.type, "maxDelta": round(max_delta, 6), "bytes": os.path.getsize(args.out), "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
