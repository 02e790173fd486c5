"""LoRA fine-tune of the chat model on a dataset snapshot's chat-format examples, on the very GGUF the runtime serves.

Input: JSONL, one example per line, {"messages": [{"role": "system"|"user"|"assistant", "content": ...}, ...]}
(what `npm run dataset:export` writes). The last message is the assistant's answer we want; every earlier turn is
context. The loss is on that answer only (TRL's prompt-completion format, `completion_only_loss`), so the model
learns to write replies, not to reproduce tickets.

Base: transformers loads the runtime's quantized GGUF and dequantizes it (`gguf_file=`), so the adapter is trained
on the weights node-llama-cpp runs. Output: an f16 LoRA GGUF converted by llama.cpp's own convert_lora_to_gguf.py,
from the llama.cpp source node-llama-cpp ships (--llama-cpp), so its format matches the runtime.

Progress lines go to stderr ("step N/M loss X"); the last stdout line is a JSON summary.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--base-gguf", required=True, help="the runtime's model file")
    p.add_argument("--train", required=True, help="chat-format JSONL")
    p.add_argument("--out", required=True, help="adapter .gguf to write")
    p.add_argument("--llama-cpp", required=True, help="a checkout of the llama.cpp source node-llama-cpp ships")
    p.add_argument("--work", required=True, help="scratch folder (PEFT adapter, base config)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=-1, help="stop after this many optimizer steps (tests)")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--grad-accum", type=int, default=4)
    p.add_argument("--max-length", type=int, default=768, help="tokens per example; longer ones are cut")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, required=True)
    args = p.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    rows = []
    with open(args.train, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            messages = json.loads(line)["messages"]
            if not messages or messages[-1]["role"] != "assistant":
                raise SystemExit("every example must end with the assistant's answer")
            rows.append({"prompt": messages[:-1], "completion": messages[-1:]})
    if not rows:
        raise SystemExit("no examples")

    t0 = time.time()
    gguf_dir, gguf_name = os.path.split(os.path.abspath(args.base_gguf))
    tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
    model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
    load_seconds = time.time() - t0
    log(f"loaded {gguf_name} in {load_seconds:.0f} s: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
    # The weights are plain float32 now; transformers still marks the model as "GGUF-quantized" and refuses to train it.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    base_dir = os.path.join(args.work, "base")
    save_base_config(model, tokenizer, base_dir)

    lora = LoraConfig(
        r=args.rank,
        lora_alpha=2 * args.rank,
        lora_dropout=0.05,
        # Attention and MLP: measured to adapt the 135M model's reply style better than attention alone.
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        task_type="CAUSAL_LM",
    )
    on_gpu = torch.cuda.is_available()
    steps_per_epoch = math.ceil(len(rows) / (args.batch * args.grad_accum))
    total_steps = args.max_steps if args.max_steps > 0 else math.ceil(steps_per_epoch * args.epochs)
    config = SFTConfig(
        output_dir=os.path.join(args.work, "trainer"),
        max_length=args.max_length,
        completion_only_loss=True,
        per_device_train_batch_size=args.batch,
        gradient_accumulation_steps=args.grad_accum,
        learning_rate=args.lr,
        lr_scheduler_type="cosine",
        warmup_steps=max(1, total_steps // 10) if total_steps > 4 else 0,
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        # TRL defaults to bf16 autocast and gradient checkpointing. On a CPU without bf16 units (this machine's) bf16
        # made a training step about 20x slower than float32 (7 minutes for 4 examples), and checkpointing recomputes every forward pass to save
        # memory a 135M model does not need. On a GPU both are kept: they are what fits 1-8B models.
        use_cpu=not on_gpu,
        bf16=on_gpu and torch.cuda.is_bf16_supported(),
        gradient_checkpointing=on_gpu,
        seed=args.seed,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )

    class Progress(TrainerCallback):
        def on_log(self, _args, state, _control, logs=None, **_kw):
            if logs and "loss" in logs:
                log(f"step {state.global_step}/{state.max_steps} loss {logs['loss']:.4f}")

    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[Progress()],
    )
    t1 = time.time()
    result = trainer.train()
    train_seconds = time.time() - t1
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]

    adapter_dir = os.path.join(args.work, "adapter")
    trainer.model.save_pretrained(adapter_dir)
    convert(args.llama_cpp, adapter_dir, base_dir, args.out)
    print(
        json.dumps(
            {
                "examples": len(rows),
                "steps": trainer.state.global_step,
                "epochs": args.epochs,
                "firstLoss": losses[0] if losses else None,
                "lastLoss": losses[-1] if losses else None,
                "trainLoss": result.training_loss,
                "loadSeconds": round(load_seconds, 1),
                "trainSeconds": round(train_seconds, 1),
                "secondsPerExample": round(train_seconds / max(1, trainer.state.global_step * args.batch * args.grad_accum), 3),
                "trainableParameters": sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
                "rank": args.rank,
                "lr": args.lr,
                "maxLength": args.max_length,
                "seed": args.seed,
            }
        )
    )


def save_base_config(model, tokenizer, base_dir: str) -> None:
    """The config.json llama.cpp's LoRA converter reads (it needs no weights), fixed for a GGUF-loaded model:
    transformers leaves `architectures` empty and records the GGUF as a quantization, which the converter refuses."""
    model.config.save_pretrained(base_dir)
    tokenizer.save_pretrained(base_dir)
    path = os.path.join(base_dir, "config.json")
    with open(path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["architectures"] = cfg.get("architectures") or ["LlamaForCausalLM"]
    cfg.pop("quantization_config", None)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)


def convert(llama_cpp: str, adapter_dir: str, base_dir: str, out: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.path.join(llama_cpp, "gguf-py")}
    cmd = [sys.executable, os.path.join(llama_cpp, "convert_lora_to_gguf.py"), adapter_dir]
    cmd += ["--base", base_dir, "--outtype", "f16", "--outfile", out]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"convert_lora_to_gguf.py failed: {done.stderr.strip().splitlines()[-3:]}")
    log(f"adapter written: {out} ({os.path.getsize(out)} bytes)")


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
