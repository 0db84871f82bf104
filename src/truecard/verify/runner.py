"""The sandboxed child: load a model, run it on a fixed input, optionally take one training step.

Started by `truecard.verify.sandbox` as `python -P runner.py WORKDIR`, inside resource
limits and without network. It is deliberately standalone (the standard library plus the
libraries it tests: torch, transformers, peft, gguf, onnxruntime) so that nothing of
truecard's own runs next to untrusted model code, and so the parent never imports torch.

Protocol: it reads `WORKDIR/request.json`, appends the name of each stage it enters to
`WORKDIR/progress` (so a kill can be reported as "killed while loading the weights"), and
writes `WORKDIR/result.json` atomically at the end. Every failure becomes a field of that
result; the loader's own error text is quoted, clipped, never replaced by ours.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

PROMPT = "Open models publish"
MAX_NEW_TOKENS = 8
FT_TEXTS = ["Open models publish their weights and code.", "A fine-tuning step changes the weights."]
ERROR_MAX = 600

_workdir: Path = Path(".")


_t0 = time.perf_counter()


def stage(name: str) -> None:
    """Record the stage entered, with seconds since start (so a kill names what it stopped)."""
    with open(_workdir / "progress", "a", encoding="utf-8") as fh:
        fh.write(f"{time.perf_counter() - _t0:.2f}\t{name}\n")


def rss_mb(field: str = "VmHWM") -> float | None:
    """Resident memory of this process from /proc (VmHWM is the peak), in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def guard_network() -> None:
    """Refuse every socket connection and name lookup from Python code, for good.

    A second fence behind the network namespace (which the parent may not have been able
    to create): audit hooks cannot be removed, so model code cannot undo this from Python.
    """
    blocked = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
               "socket.gethostbyaddr", "socket.sendmsg"}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in blocked:
            if event == "socket.connect" and args and getattr(args[0], "family", None) == 1:
                return  # AF_UNIX: local IPC, not network
            raise PermissionError(f"network access is disabled in truecard's sandbox ({event})")

    sys.addaudithook(hook)


def quote(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    text = " ".join(text.split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    t = str(exc).lower()
    return any(s in t for s in ("cannot allocate memory", "can't allocate memory", "bad_alloc",
                                "failed to map segment", "out of memory", "std::bad_alloc"))


def is_remote_code_error(exc: BaseException) -> bool:
    t = str(exc)
    return "trust_remote_code" in t or "custom code" in t


def finite(x: Any) -> bool:
    import torch

    return bool(torch.isfinite(x.float()).all()) if hasattr(x, "float") else True


# ---------------------------------------------------------------------------------------
# transformers


def _auto(name: str) -> Any:
    import transformers

    return getattr(transformers, name)


def _dtype_kw() -> str:
    import transformers

    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return "dtype" if (major, minor) >= (4, 56) else "torch_dtype"


def shape_check(req: dict[str, Any], config: Any, cls: Any, res: dict[str, Any]) -> list[str]:
    """Build the model on the meta device (no memory) and compare its shapes with the headers."""
    import torch

    stage("building the model from config.json on the meta device")
    with torch.device("meta"):
        model = cls.from_config(config, trust_remote_code=req["trust_remote_code"])
    params = sum(p.numel() for p in model.parameters())
    res["inference"]["parameters"]["from_config"] = int(params)
    expected = {k: list(v.shape) for k, v in model.state_dict().items()}
    prefix = getattr(model, "base_model_prefix", "") or ""
    stored: dict[str, list[int]] = {k: v["shape"] for k, v in req.get("tensors", {}).items()}
    mismatches: list[str] = []
    matched = 0
    for name, shape in stored.items():
        cands = [name, f"{prefix}.{name}" if prefix else name,
                 name[len(prefix) + 1:] if prefix and name.startswith(prefix + ".") else name]
        key = next((c for c in cands if c in expected), None)
        if key is None:
            continue
        matched += 1
        if list(expected[key]) != list(shape):
            mismatches.append(f"{name}: weights {shape}, config implies {expected[key]}")
    res["shape_check"] = {"matched": matched, "stored": len(stored), "mismatches": mismatches[:20],
                          "mismatch_count": len(mismatches), "from_config_parameters": int(params)}
    del model
    return mismatches


def run_transformers(req: dict[str, Any], res: dict[str, Any]) -> None:
    import torch
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    transformers.logging.set_verbosity_error()
    with contextlib.suppress(AttributeError):
        transformers.utils.logging.disable_progress_bar()
    inf = res["inference"]
    root = req["root"]
    kw: dict[str, Any] = {"local_files_only": True, "trust_remote_code": req["trust_remote_code"]}
    if req.get("gguf_file"):
        kw["gguf_file"] = req["gguf_file"]
    cls = _auto(req["auto_class"])
    stage("reading the config")
    try:
        config = AutoConfig.from_pretrained(root, **kw)
    except Exception as exc:
        inf.update(error=quote(exc), needs_remote_code=is_remote_code_error(exc))
        return
    mismatches: list[str] = []
    if req.get("tensors"):
        try:
            mismatches = shape_check(req, config, cls, res)
        except Exception as exc:
            res["notes"].append(f"shape check on the meta device failed: {quote(exc)}")
    if req["mode"] == "shapes":
        return

    stage("loading the weights")
    t0 = time.perf_counter()
    try:
        model, info = cls.from_pretrained(root, output_loading_info=True,
                                          **{_dtype_kw(): "auto"}, **kw)
    except Exception as exc:
        inf["load_seconds"] = round(time.perf_counter() - t0, 3)
        err = quote(exc)
        if mismatches:
            err = (f"config and weights disagree on {len(mismatches)} tensors (e.g. "
                   f"{mismatches[0]}); loader: {err}")
        inf.update(error=err, needs_remote_code=is_remote_code_error(exc),
                   memory_exceeded=is_memory_error(exc))
        return
    inf["load_seconds"] = round(time.perf_counter() - t0, 3)
    inf["loaded"] = True
    inf["dtype"] = str(getattr(model, "dtype", "")).replace("torch.", "") or None
    inf["parameters"]["loaded"] = int(sum(p.numel() for p in model.parameters()))
    missing = sorted(info.get("missing_keys") or [])
    mism = info.get("mismatched_keys") or []
    unexpected = sorted(info.get("unexpected_keys") or [])
    if mismatches or mism:
        inf["error"] = (f"config and weights disagree on {len(mismatches) or len(mism)} tensors (e.g. "
                        f"{mismatches[0] if mismatches else next(iter(mism))}); the loader re-initialised "
                        "them at random")
        return
    if missing:
        inf["error"] = (f"{len(missing)} tensors the model needs are not in the weights and were "
                        f"initialised at random (e.g. {missing[0]!r})")
        return
    if unexpected:
        res["notes"].append(f"{len(unexpected)} tensors in the weights are unused by "
                            f"{req['auto_class']} (e.g. {unexpected[0]!r})")

    stage("loading the tokenizer")
    tok = None
    try:
        tok = AutoTokenizer.from_pretrained(root, **kw)
    except Exception as exc:
        res["notes"].append(f"tokenizer did not load ({quote(exc)}); fixed token ids used")

    stage("running inference")
    t1 = time.perf_counter()
    model.eval()
    vocab = int(getattr(config, "vocab_size", 0) or 0) or 100
    if tok is not None:
        enc = dict(tok(PROMPT, return_tensors="pt"))
    else:
        ids = torch.tensor([[i % vocab for i in range(1, 6)]])
        enc = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    enc = {k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    with torch.no_grad():
        out = model(**enc) if not getattr(config, "is_encoder_decoder", False) else None
        logits = None
        if out is not None:
            logits = getattr(out, "logits", None)
            if logits is None:
                logits = getattr(out, "last_hidden_state", None)
            if logits is None and isinstance(out, tuple | list) and out:
                logits = out[0]
        if logits is not None and not finite(logits):
            inf["error"] = "the model ran but its outputs contain NaN or infinity"
            inf["run_seconds"] = round(time.perf_counter() - t1, 3)
            return
        output: dict[str, Any] = {"prompt": PROMPT if tok is not None else None,
                                  "input_ids": enc["input_ids"][0].tolist()}
        if req["auto_class"] in ("AutoModelForCausalLM", "AutoModelForSeq2SeqLM"):
            pad = getattr(tok, "pad_token_id", None) if tok is not None else None
            eos = getattr(config, "eos_token_id", None)
            if pad is None:
                pad = eos if isinstance(eos, int) else (tok.eos_token_id if tok is not None else 0)
            gen = model.generate(**enc, max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                 num_beams=1, pad_token_id=pad)
            new = gen[0] if getattr(config, "is_encoder_decoder", False) else gen[0, enc["input_ids"].shape[1]:]
            output["new_token_ids"] = new.tolist()
            output["new_tokens"] = len(new)
            if tok is not None:
                output["text"] = tok.decode(new, skip_special_tokens=False)
        elif logits is not None:
            output["shape"] = list(logits.shape)
            if req["auto_class"] in ("AutoModelForMaskedLM",) and tok is not None:
                output["argmax_text"] = tok.decode(logits[0].argmax(-1))
            else:
                output["first_values"] = [round(float(x), 5) for x in logits.flatten()[:4]]
    inf["run_seconds"] = round(time.perf_counter() - t1, 3)
    inf["output"] = output
    inf["ok"] = True
    inf["peak_memory_mb"] = rss_mb()
    if req.get("finetune"):
        finetune(req, res, model, tok, config, kw)


def finetune(req: dict[str, Any], res: dict[str, Any], model: Any, tok: Any, config: Any,
             kw: dict[str, Any]) -> None:
    """One training step on a tiny batch: LoRA through peft where installed, else full."""
    import torch

    ft = res["finetune"]
    ft["attempted"] = True
    settings = dict(req.get("finetune_settings") or {})
    auto = req["auto_class"]
    stage("fine-tuning: preparing the batch")
    t0 = time.perf_counter()
    try:
        if auto == "AutoModel":
            # A bare encoder has no loss: fine-tune it the usual way, under a fresh head.
            auto = "AutoModelForSequenceClassification"
            model = _auto(auto).from_pretrained(req["root"], num_labels=2, **kw)
        ft["head"] = auto
        if tok is not None:
            if getattr(tok, "pad_token", None) is None:
                tok.pad_token = tok.eos_token or tok.unk_token
            texts = FT_TEXTS if tok.pad_token is not None else FT_TEXTS[:1]
            batch = dict(tok(texts, return_tensors="pt", padding=True, truncation=True,
                             max_length=32))
        else:
            vocab = int(getattr(config, "vocab_size", 0) or 0) or 100
            ids = torch.tensor([[i % vocab for i in range(1, 9)]] * 2)
            batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        batch = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
        ids = batch["input_ids"]
        if auto in ("AutoModelForCausalLM", "AutoModelForMaskedLM", "AutoModelForSeq2SeqLM"):
            labels = ids.clone()
            if "attention_mask" in batch:
                labels[batch["attention_mask"] == 0] = -100
            batch["labels"] = labels
        elif auto == "AutoModelForSequenceClassification":
            batch["labels"] = torch.arange(ids.shape[0]) % 2
        elif auto == "AutoModelForTokenClassification":
            batch["labels"] = torch.zeros_like(ids)
        elif auto == "AutoModelForQuestionAnswering":
            batch["start_positions"] = torch.zeros(ids.shape[0], dtype=torch.long)
            batch["end_positions"] = torch.ones(ids.shape[0], dtype=torch.long)
        method = "full"
        try:
            import peft

            method = "lora"
        except ImportError:
            res["notes"].append("peft is not installed: the step trains all weights")
        if method == "lora":
            stage("fine-tuning: attaching LoRA adapters")
            lcfg = peft.LoraConfig(
                # peft annotates lora_alpha as int, but scales by alpha / r as a number: a float from
                # the repository's own config is kept as written
                r=int(settings.get("r", 4)), lora_alpha=float(settings.get("alpha", 8)),  # type: ignore[arg-type]
                lora_dropout=float(settings.get("dropout", 0.0)),
                target_modules=settings.get("target_modules") or "all-linear",
            )
            model = peft.get_peft_model(model, lcfg)
        ft["method"] = method
        for p in model.parameters():
            if method == "full":
                p.requires_grad_(True)
        trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        ft["trainable_parameters"] = int(sum(p.numel() for _, p in trainable))
        if not trainable:
            ft["error"] = "no trainable parameters"
            return
        lr = float(settings.get("learning_rate", 1e-3))
        ft["settings"] = {"learning_rate": lr, "optimizer": "AdamW", "batch": list(ids.shape),
                          **({"r": lcfg.r, "alpha": lcfg.lora_alpha,
                              "target_modules": sorted(lcfg.target_modules)
                              if isinstance(lcfg.target_modules, set) else lcfg.target_modules}
                             if method == "lora" else {})}
        before = {n: p.detach().clone() for n, p in trainable}
        opt = torch.optim.AdamW([p for _, p in trainable], lr=lr)
        stage("fine-tuning: one training step")
        model.eval()
        with torch.no_grad():
            loss_before = float(model(**batch).loss)
        model.train()
        loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        model.eval()
        with torch.no_grad():
            loss_after = float(model(**batch).loss)
        changed = any(not torch.equal(before[n], p.detach()) for n, p in trainable)
        losses = [loss_before, float(loss), loss_after]
        fin = all(math.isfinite(x) for x in losses)
        ft.update(loss_before=round(loss_before, 6), loss_step=round(float(loss), 6),
                  loss_after=round(loss_after, 6),
                  losses=[round(x, 6) for x in losses], loss_finite=fin, weights_changed=changed,
                  ok=fin and changed)
        if not fin:
            ft["error"] = "the loss is not finite (NaN or infinity)"
        elif not changed:
            ft["error"] = "the training step left the weights unchanged"
    except Exception as exc:
        ft["error"] = quote(exc)
        ft["memory_exceeded"] = is_memory_error(exc)
    finally:
        ft["seconds"] = round(time.perf_counter() - t0, 3)
        ft["peak_memory_mb"] = rss_mb()


# ---------------------------------------------------------------------------------------
# GGUF and ONNX


def run_gguf(req: dict[str, Any], res: dict[str, Any]) -> None:
    """Read every tensor with the gguf package's own reader, then generate via transformers."""
    import numpy as np
    from gguf import GGUFReader
    from gguf.quants import dequantize

    inf = res["inference"]
    path = Path(req["root"]) / req["gguf_file"]
    stage("reading the GGUF tensors")
    t0 = time.perf_counter()
    try:
        reader = GGUFReader(str(path), "r")
        params = 0
        bad: list[str] = []
        for t in reader.tensors:
            arr = dequantize(t.data, t.tensor_type)
            params += int(t.n_elements)
            if not np.isfinite(arr).all():
                bad.append(t.name)
        arch_f = reader.fields.get("general.architecture")
        arch = arch_f.contents() if arch_f is not None else None
        has_tok = "tokenizer.ggml.tokens" in reader.fields
    except Exception as exc:
        inf.update(error=f"gguf reader: {quote(exc)}", memory_exceeded=is_memory_error(exc))
        return
    res["gguf_check"] = {"tensors": len(reader.tensors), "parameters": params,
                         "architecture": arch, "tokenizer": has_tok, "non_finite": bad[:10]}
    inf["parameters"]["in_weights"] = params
    inf["load_seconds"] = round(time.perf_counter() - t0, 3)
    if bad:
        inf["error"] = f"{len(bad)} GGUF tensors hold NaN or infinity (e.g. {bad[0]!r})"
        return
    if req["mode"] == "shapes":
        return
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        try:
            from truecard._install import install_command

            hint = install_command("run")
        except Exception:  # the sandboxed child may not see the installation record
            hint = "pip install 'truecard[run]'"
        inf["error"] = ("GGUF tensors read and finite, but no inference engine is installed: "
                        f"{hint} (transformers runs GGUF llama, mistral, "
                        "qwen2, gpt2 ... models)")
        return
    run_transformers(req, res)


def run_onnx(req: dict[str, Any], res: dict[str, Any]) -> None:
    import numpy as np
    import onnxruntime as ort

    inf = res["inference"]
    path = Path(req["root"]) / req["onnx_file"]
    try:
        import onnx

        m = onnx.load(str(path), load_external_data=False)
        inf["parameters"]["in_weights"] = int(sum(math.prod(i.dims) for i in m.graph.initializer))
        del m
    except Exception:
        pass
    if req["mode"] == "shapes":
        return
    stage("loading the ONNX graph")
    t0 = time.perf_counter()
    try:
        so = ort.SessionOptions()
        so.intra_op_num_threads = 2
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    except Exception as exc:
        inf.update(error=f"onnxruntime: {quote(exc)}", memory_exceeded=is_memory_error(exc),
                   load_seconds=round(time.perf_counter() - t0, 3))
        return
    inf["load_seconds"] = round(time.perf_counter() - t0, 3)
    inf["loaded"] = True
    ids = None
    try:
        from tokenizers import Tokenizer

        tj = Path(req["root"]) / "tokenizer.json"
        if tj.exists():
            ids = Tokenizer.from_file(str(tj)).encode(PROMPT).ids
    except Exception:
        ids = None
    seq = ids or [1, 2, 3, 4, 5]
    feeds: dict[str, Any] = {}
    types = {"tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(float)": np.float32,
             "tensor(float16)": np.float16, "tensor(bool)": np.bool_}
    for i in sess.get_inputs():
        arr: np.ndarray[Any, Any]
        dt = types.get(i.type, np.float32)
        shape = [d if isinstance(d, int) and d > 0 else None for d in (i.shape or [])]
        if "input_ids" in i.name or ("ids" in i.name and np.issubdtype(dt, np.integer)):
            arr = np.array([seq], dtype=dt)
        elif "mask" in i.name:
            arr = np.ones((1, len(seq)), dtype=dt)
        elif "position" in i.name:
            arr = np.arange(len(seq), dtype=dt)[None, :]
        else:
            dims = [s if s is not None else (1 if k == 0 else len(seq)) for k, s in enumerate(shape)]
            arr = np.zeros(dims, dtype=dt)
        feeds[i.name] = arr
    stage("running inference")
    t1 = time.perf_counter()
    try:
        outs = sess.run(None, feeds)
    except Exception as exc:
        inf.update(error=f"onnxruntime: {quote(exc)}", run_seconds=round(time.perf_counter() - t1, 3))
        return
    inf["run_seconds"] = round(time.perf_counter() - t1, 3)
    names = [o.name for o in sess.get_outputs()]
    fin = all(np.isfinite(np.asarray(o, dtype=np.float64)).all() for o in outs
              if np.asarray(o).dtype.kind in "fc")
    inf["output"] = {"inputs": {k: list(v.shape) for k, v in feeds.items()},
                     "outputs": {n: list(np.asarray(o).shape) for n, o in zip(names, outs, strict=False)}}
    if outs and np.asarray(outs[0]).ndim == 3 and ids:
        inf["output"]["next_token_id"] = int(np.asarray(outs[0])[0, -1].argmax())
    inf["dtype"] = sess.get_inputs()[0].type if sess.get_inputs() else None
    if not fin:
        inf["error"] = "the model ran but its outputs contain NaN or infinity"
        return
    inf["ok"] = True
    if req.get("finetune"):
        res["finetune"].update(attempted=False, error="a fine-tuning step on an ONNX export is not "
                               "supported: ONNX graphs are exported for inference")


# ---------------------------------------------------------------------------------------


def main(workdir: str) -> int:
    global _workdir
    _workdir = Path(workdir)
    req = json.loads((_workdir / "request.json").read_text(encoding="utf-8"))
    guard_network()
    res: dict[str, Any] = {
        "inference": {"attempted": True, "loaded": False, "ok": False, "error": None,
                      "parameters": {}, "notes": []},
        "finetune": {"attempted": False, "ok": None, "error": None} if req.get("finetune") else None,
        "notes": [], "shape_check": None,
    }
    try:
        own = os.stat("/proc/self/ns/net").st_ino
        res["netns"] = "isolated" if own != req.get("parent_netns") else "shared"
    except OSError:
        res["netns"] = "unknown"
    t0 = time.perf_counter()
    try:
        stage("importing libraries")
        if req["loader"] in ("transformers", "gguf"):
            try:
                import torch

                torch.manual_seed(0)
                torch.set_num_threads(max(1, min(int(req.get("threads", 2)), os.cpu_count() or 1)))
            except ImportError as exc:
                if req["loader"] == "transformers":
                    raise
                res["notes"].append(f"torch unavailable ({exc})")
        res["inference"]["baseline_memory_mb"] = rss_mb("VmRSS")
        if req["loader"] == "transformers":
            run_transformers(req, res)
        elif req["loader"] == "gguf":
            run_gguf(req, res)
        elif req["loader"] == "onnx":
            run_onnx(req, res)
        else:
            res["inference"]["error"] = f"no loader for {req['loader']!r}"
    except BaseException as exc:
        res["inference"]["error"] = quote(exc)
        res["inference"]["memory_exceeded"] = is_memory_error(exc)
    if res["inference"].get("error"):
        res["inference"]["ok"] = False
    res["inference"]["seconds"] = round(
        (res["inference"].get("load_seconds") or 0) + (res["inference"].get("run_seconds") or 0), 3)
    res["inference"]["peak_memory_mb"] = res["inference"].get("peak_memory_mb") or rss_mb()
    res["child_seconds"] = round(time.perf_counter() - t0, 3)
    stage("done")
    tmp = _workdir / "result.json.tmp"
    tmp.write_text(json.dumps(res, default=str), encoding="utf-8")
    os.replace(tmp, _workdir / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
