"""Convert the sentence-transformers all-MiniLM-L6-v2 folder to an f16 GGUF that llama.cpp loads as an embedding model.

Why our own script: llama.cpp's convert_hf_to_gguf.py needs torch + transformers (GBs). For one BERT
checkpoint, the official `gguf` writer plus safetensors and numpy is enough. The output must be byte-for-byte
reproducible (its sha256 is pinned in models/catalog.ts), so nothing here may depend on time, paths or dict order.

Usage: python minilm_to_gguf.py <model_dir> <out.gguf>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors import safe_open

ARCH = gguf.MODEL_ARCH.BERT
# Dropped on purpose: position_ids is a buffer, the pooler is only used by BERT's NSP head, not by mean pooling.
SKIPPED = {"embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"}
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def read_json(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pooling_type(model_dir: Path) -> gguf.PoolingType:
    for module in read_json(model_dir / "modules.json"):
        if module["type"].endswith("Pooling"):
            cfg = read_json(model_dir / module["path"] / "config.json")
            if cfg.get("pooling_mode_mean_tokens"):
                return gguf.PoolingType.MEAN
            if cfg.get("pooling_mode_cls_token"):
                return gguf.PoolingType.CLS
            raise ValueError(f"unsupported pooling config: {cfg}")
    raise ValueError("no Pooling module in modules.json")


def vocab(model_dir: Path) -> tuple[list[str], list[int]]:
    words = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if words and words[-1] == "":
        words.pop()
    tokens: list[str] = []
    types: list[int] = []
    for word in words:
        if word in SPECIAL_TOKENS:
            tokens.append(word)
            types.append(gguf.TokenType.CONTROL)
        else:
            # llama.cpp's WPM tokenizer marks word starts with the phantom space "▁" instead of marking continuations with "##".
            tokens.append(word[2:] if word.startswith("##") else "\u2581" + word)
            types.append(gguf.TokenType.NORMAL)
    return tokens, types


def convert(model_dir: Path, out: Path) -> None:
    hp = read_json(model_dir / "config.json")
    tok_cfg = read_json(model_dir / "tokenizer_config.json")
    n_layers = hp["num_hidden_layers"]

    writer = gguf.GGUFWriter(out, gguf.MODEL_ARCH_NAMES[ARCH])
    writer.add_name("all-MiniLM-L6-v2")
    writer.add_block_count(n_layers)
    writer.add_context_length(hp["max_position_embeddings"])
    writer.add_embedding_length(hp["hidden_size"])
    writer.add_feed_forward_length(hp["intermediate_size"])
    writer.add_head_count(hp["num_attention_heads"])
    writer.add_layer_norm_eps(hp["layer_norm_eps"])
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_causal_attention(False)
    writer.add_pooling_type(pooling_type(model_dir))

    tokens, types = vocab(model_dir)
    if len(tokens) != hp["vocab_size"]:
        raise ValueError(f"vocab.txt has {len(tokens)} tokens, config says {hp['vocab_size']}")
    ids = {t: i for i, t in enumerate(tokens)}
    writer.add_token_type_count(hp["type_vocab_size"])
    writer.add_tokenizer_model("bert")
    # The pre-tokenizer id llama.cpp assigns to BERT's whitespace + punctuation split.
    writer.add_tokenizer_pre("jina-v2-en")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    # BERT has no separate CLS key in gguf 0.19.0: llama.cpp prepends bos, so bos is [CLS] and eos is [SEP].
    writer.add_bos_token_id(ids["[CLS]"])
    writer.add_eos_token_id(ids["[SEP]"])
    writer.add_unk_token_id(ids["[UNK]"])
    writer.add_sep_token_id(ids["[SEP]"])
    writer.add_pad_token_id(ids["[PAD]"])
    writer.add_mask_token_id(ids["[MASK]"])
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    # gguf 0.19.0 has no helper for this key yet; llama.cpp's own converter writes it.
    writer.add_bool("tokenizer.ggml.normalizer.lowercase", bool(tok_cfg.get("do_lower_case", True)))

    names = gguf.get_tensor_name_map(ARCH, n_layers)
    keep_f32 = {gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.POS_EMBD], gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.TOKEN_TYPES]}
    with safe_open(model_dir / "model.safetensors", framework="np") as st:
        for name in sorted(st.keys()):
            if name in SKIPPED:
                continue
            new_name = names.get_name(name, try_suffixes=(".weight", ".bias"))
            if new_name is None:
                raise ValueError(f"no GGUF name for tensor {name}")
            data = st.get_tensor(name).astype(np.float32)
            # Same rule as llama.cpp: norms, biases and the small position/type tables stay f32, matrices go f16.
            base = new_name.rsplit(".", 1)[0]
            if data.ndim > 1 and not new_name.endswith("_norm.weight") and base not in keep_f32:
                data = data.astype(np.float16)
            writer.add_tensor(new_name, data)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: minilm_to_gguf.py <model_dir> <out.gguf>")
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
