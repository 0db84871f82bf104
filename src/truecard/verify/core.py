"""`verify()`: decide how to load a model, run it in the sandbox, and say what happened.

The parent side never imports torch: it reads headers and configs (`static`), chooses a
loader, refuses what must not run (custom code without consent, a model larger than the
memory limit), and hands the rest to the sandboxed child (`sandbox`, `runner`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from truecard._version import __version__
from truecard.sources import SourceError, Tree, open_source
from truecard.verify.options import VerifyError, VerifyOptions
from truecard.verify.result import (
    FinetuneResult,
    InferenceResult,
    ParameterCounts,
    SandboxInfo,
    VerifyResult,
)
from truecard.verify.sandbox import confinement_problem, default_memory_limit, model_unreadable, run_child
from truecard.verify.static import StaticReport, analyse

# A model too large to load is still checked in the child (shapes on the meta device), which
# needs the libraries' own memory even when the user's limit is below it.
SHAPES_MEMORY_FLOOR = 2 << 30
def run_extra_hint() -> str:
    """The command that installs the run extra, for this installation (see truecard._install)."""
    from truecard._install import install_command

    return f"{install_command('run')}  (torch CPU build, transformers, tokenizers, peft)"


CONFINED_NOTE = ("the repository's code ran confined by bubblewrap: only the model folder "
                 "(read-only), the Python installation (read-only) and a private temporary folder "
                 "visible, as an unprivileged user, in its own network and process namespaces")
UNCONFINED_HELP = ("With --trust-remote-code: run the repository's code without the bubblewrap "
                   "confinement (only no network, memory and time limits). For a disposable VM.")


class ExtraMissing(VerifyError):
    """An optional dependency the chosen loader needs is not installed."""


def _have(*modules: str) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def _resolve(source: str | os.PathLike[str] | Tree, tmp: list[Path]) -> tuple[Path, str, str | None]:
    """(local folder, source label, revision). A Hub source is downloaded, only here."""
    if isinstance(source, Tree):
        return _local_copy(source, tmp)
    spec = os.fspath(source)
    _check_hub_spec(spec)
    try:
        tree = open_source(spec)
    except SourceError as exc:
        raise VerifyError(str(exc)) from None
    try:
        return _local_copy(tree, tmp)
    finally:
        tree.close()


def _check_hub_spec(spec: str) -> None:
    """Refuse a Hub address that is not a model before anything is fetched."""
    try:
        from truecard.sources.hub import PREFIXES, parse_hub_spec
    except ImportError:  # the hub source module is optional
        return
    if not spec.startswith(tuple(PREFIXES)):
        return
    try:
        ref = parse_hub_spec(spec)
    except SourceError as exc:
        raise VerifyError(str(exc)) from None
    if ref.repo_type != "model":
        raise VerifyError(f"{spec}: a dataset, not a model; verify runs models")


def _local_copy(tree: Tree, tmp: list[Path]) -> tuple[Path, str, str | None]:
    root = getattr(tree, "root", None)
    if root is not None:
        return Path(root), tree.info.location, tree.info.revision
    ref = getattr(tree, "ref", None)
    if tree.info.kind != "hf" or ref is None:
        raise VerifyError(f"verify needs a local folder or hf:ORG/NAME, not a {tree.info.kind} source")
    return _download_hf(tree, ref.repo_id, tmp)


# Files a verify never needs: other copies of the weights (pickles, GGUF and ONNX exports,
# Meta's consolidated originals) when safetensors are there, and intermediate checkpoints.
_REDUNDANT = (".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".gguf", ".onnx", ".onnx_data",
              ".tflite", ".mlmodel")


def _wanted(paths: list[str]) -> list[str]:
    from truecard.verify.static import SIDE_DIRS

    has_st = any(p.endswith(".safetensors") and "/" not in p for p in paths)
    out = []
    for p in paths:
        if SIDE_DIRS.search(p) or p.startswith(("original/", ".git")):
            continue
        if has_st and p.lower().endswith(_REDUNDANT):
            continue
        out.append(p)
    return out


def _download_hf(tree: Tree, repo: str, tmp: list[Path]) -> tuple[Path, str, str | None]:
    """Download the files of the revision the Hub tree read into a temporary folder, file by
    file through `huggingface_hub` (streamed to disk): only because verify was asked for."""
    if _have("huggingface_hub"):
        from truecard._install import install_command

        raise ExtraMissing("verifying a Hub model downloads it and needs huggingface_hub: "
                           + install_command("hub"))
    from huggingface_hub import hf_hub_download

    sha = str(getattr(tree, "sha", "") or tree.info.revision or "") or None
    endpoint = getattr(tree, "endpoint", None) or None
    d = Path(tempfile.mkdtemp(prefix="truecard-hf-"))
    d.chmod(0o755)  # the confined run reads it as uid 65534 (the parent folder stays private)
    tmp.append(d)
    files = _wanted([e.path for e in tree.entries()])
    if not files:
        raise VerifyError(f"hf:{repo}: the repository lists no files to verify")
    for f in files:
        try:
            hf_hub_download(repo, f, revision=sha, local_dir=d, endpoint=endpoint)
        except Exception as exc:
            first = str(exc).splitlines()[0][:200] if str(exc) else "no detail"
            raise VerifyError(f"hf:{repo}: could not download {f} ({type(exc).__name__}: {first})") from None
    return d, f"hf:{repo}", sha


def check_extra(loader: str | None) -> None:
    """Raise ExtraMissing, saying what to install, when the loader's libraries are absent."""
    if loader == "transformers":
        missing = _have("torch", "transformers")
        if missing:
            raise ExtraMissing(f"verify needs {' and '.join(missing)} to run this model: {run_extra_hint()}")
    elif loader == "onnx":
        if _have("onnxruntime"):
            raise ExtraMissing("verify needs onnxruntime to run this ONNX model: pip install onnxruntime")
    elif loader == "gguf" and _have("gguf"):
        raise ExtraMissing("verify needs the gguf package to read this model: pip install gguf")


def verify(
    source: str | os.PathLike[str] | Tree,
    options: VerifyOptions | None = None,
    **changes: Any,
) -> VerifyResult:
    """Load and run a model in the sandbox (and take one fine-tuning step when asked).

    `options` is a frozen `VerifyOptions`; keyword `changes` to it are the same fields
    (`verify(path, finetune=True, timeout=60)`); an unknown name is a VerifyError.

    The repository's own code (`trust_remote_code`, when the model needs it) runs confined
    by bubblewrap; where that cannot be set up, verify refuses (VerifyError) unless
    `unconfined` says to run it with only the network, memory and time fences.

    Raises `VerifyError` (or its subclass `ExtraMissing`) only when nothing can be attempted
    at all; every failure of the model itself is a field of the result.
    """
    started = time.perf_counter()
    opts = VerifyOptions.of(options, **changes)
    finetune, timeout, trust_remote_code = opts.finetune, opts.timeout, opts.trust_remote_code
    python, unconfined = opts.python, opts.unconfined
    limit = opts.memory_limit or default_memory_limit()
    tmp: list[Path] = []
    try:
        root, label, revision = _resolve(source, tmp)
        try:
            rep = analyse(root)
        except OSError as exc:
            raise VerifyError(f"{root}: cannot read the model folder ({exc.strerror or exc})") from None
        if not (rep.remote_code and not trust_remote_code):  # a refusal needs no libraries
            check_extra(rep.plan.loader)
        # the flag means code may run: confined even where the static reading saw no custom code
        confine = bool(trust_remote_code and rep.plan.loader) and not unconfined
        if confine:
            problem = confinement_problem(python)
            if problem:
                raise VerifyError(problem)
            unreadable = model_unreadable(Path(rep.root))
            if unreadable:
                raise VerifyError(
                    f"{unreadable}: not readable by the sandbox user (uid 65534), which runs the "
                    "repository's code when truecard runs as root: make the model folder "
                    "world-readable (chmod -R o+rX) or run truecard as an unprivileged user")
        res = _run(rep, label=label, revision=revision, finetune=finetune, timeout=timeout,
                   limit=limit, trust_remote_code=trust_remote_code, python=python,
                   confine=confine)
        if trust_remote_code and unconfined:
            res.warnings.append("the repository's code ran unconfined (--unconfined): it could "
                                "read and write the file system with truecard's rights")
    finally:
        for d in tmp:
            shutil.rmtree(d, ignore_errors=True)
    res.seconds = round(time.perf_counter() - started, 3)
    return res


def _run(rep: StaticReport, *, label: str, revision: str | None, finetune: bool, timeout: float,
         limit: int, trust_remote_code: bool, python: str | None,
         confine: bool = False) -> VerifyResult:
    plan = rep.plan
    res = VerifyResult(
        truecard_version=__version__, source=label, location=str(rep.root), revision=revision,
        status="failed", summary="", format=rep.weight_format, weights_bytes=rep.weights_bytes,
        static=list(rep.checks),
        sandbox=SandboxInfo(network="environment", memory_limit_mb=round(limit / 2**20, 1),
                            timeout_seconds=timeout, trust_remote_code=trust_remote_code,
                            python=python or sys.executable),
    )
    inf = res.inference
    inf.loader = _loader_label(rep)
    inf.loader_basis = plan.basis or None
    inf.task = plan.task
    inf.parameters = _declared(rep)
    if finetune:
        res.finetune = FinetuneResult(repo_files=rep.finetune_files)
        _repo_note(rep, res.finetune)

    if plan.loader is None:
        inf.error = "nothing to load: " + next(
            (c.detail for c in rep.checks if c.ok is False), plan.basis or "no weights")
        return _finish(res)
    if rep.remote_code and not trust_remote_code:
        inf.needs_remote_code = True
        inf.error = (f"loading it needs the repository's own code ({'; '.join(rep.remote_code)}); "
                     "not run: pass --trust-remote-code to allow it (it then runs in the sandbox, "
                     "without network)")
        res.status = "not-run"
        return _finish(res)

    res.too_large = rep.weights_bytes > limit * 0.9
    if res.too_large and not rep.ok:
        # Too large to load, and a check without loading already failed: the verdict cannot
        # improve, so no child is started.
        inf.error = (f"not loaded: the weights ({rep.weights_bytes / 2**20:,.0f} MiB) do not fit the "
                     f"memory limit ({limit / 2**20:,.0f} MiB), and a check without loading failed")
        if res.finetune is not None:
            res.finetune.error = "not attempted: the model is too large to load within the memory limit"
        return _finish(res)
    request: dict[str, Any] = {
        "root": str(rep.root), "loader": plan.loader, "auto_class": plan.auto_class,
        "mode": "shapes" if res.too_large else "full", "finetune": finetune and not res.too_large,
        "finetune_settings": rep.finetune_settings, "trust_remote_code": trust_remote_code,
        "tensors": {k: {"shape": v["shape"]} for k, v in rep.tensors.items()},
        "gguf_file": plan.file if plan.loader == "gguf" else None,
        "onnx_file": plan.file if plan.loader == "onnx" else None,
        "threads": min(2, os.cpu_count() or 1),
    }
    child_limit = max(limit, SHAPES_MEMORY_FLOOR) if res.too_large else limit
    out = run_child(request, timeout=timeout, memory_limit=child_limit,
                    mapped_bytes=0 if res.too_large else rep.weights_bytes, python=python,
                    confine=confine)
    assert res.sandbox is not None
    res.sandbox.network = out.network  # type: ignore[assignment]
    res.sandbox.exit = out.exit
    child = out.result or {}
    _merge_inference(inf, child.get("inference") or {})
    inf.stage = out.stage
    if out.result is None:
        inf.attempted = True
        inf.ok = False
        inf.timed_out, inf.memory_exceeded = out.timed_out, out.memory_exceeded
        inf.peak_memory_mb = out.peak_rss_mb
        if out.timed_out:
            inf.error = f"timed out after {timeout:g} s (while {out.stage or 'starting'})"
        elif out.memory_exceeded:
            inf.error = (f"stopped: memory use passed the {child_limit / 2**20:.0f} MiB limit while "
                         f"{out.stage or 'starting'} ({out.exit})")
        else:
            tail = " ".join(out.stderr_tail.split())[-400:]
            inf.error = f"the sandboxed process {out.exit} while {out.stage or 'starting'}" + (
                f": {tail}" if tail else "")
    else:
        inf.peak_memory_mb = inf.peak_memory_mb or out.peak_rss_mb
        inf.memory_exceeded = inf.memory_exceeded or out.memory_exceeded
        inf.notes.extend(child.get("notes") or [])
    if out.timed_out or out.memory_exceeded:
        inf.ok = False
    if confine:
        inf.notes.append(CONFINED_NOTE)
    _shape_checks(res, rep, child)
    if res.finetune is not None:
        _merge_finetune(res.finetune, child.get("finetune"), res, out)
        if res.finetune.method == "full" and rep.finetune_settings:
            _full_step_note(rep, res.finetune)
    if res.too_large:
        inf.attempted = False
        inf.ok = None
        inf.loaded = False
        msg = (f"not loaded: the weights ({rep.weights_bytes / 2**20:,.0f} MiB) do not fit the "
               f"memory limit ({limit / 2**20:,.0f} MiB); checked without loading")
        inf.error = msg if not inf.error else f"{msg}; {inf.error}"
    return _finish(res)


def _loader_label(rep: StaticReport) -> str | None:
    p = rep.plan
    if p.loader == "transformers":
        return f"transformers {p.auto_class}"
    if p.loader == "gguf":
        return "gguf reader + transformers (gguf_file)"
    if p.loader == "onnx":
        return "onnxruntime (CPUExecutionProvider)"
    return None


def _declared(rep: StaticReport) -> ParameterCounts:
    pc = ParameterCounts(in_weights=rep.parameters_in_weights)
    if rep.declared:
        pc.declared, pc.declared_text, pc.declared_at = rep.declared
    return pc


def _merge_inference(inf: InferenceResult, child: dict[str, Any]) -> None:
    params = child.pop("parameters", {}) or {}
    for k, v in child.items():
        if k in InferenceResult.model_fields and v is not None:
            setattr(inf, k, v)
    for k, v in params.items():
        if v is not None and k in ParameterCounts.model_fields:
            setattr(inf.parameters, k, v)


def _shape_checks(res: VerifyResult, rep: StaticReport, child: dict[str, Any]) -> None:
    sc = child.get("shape_check")
    pc = res.inference.parameters
    if sc:
        n = sc.get("mismatch_count", 0)
        if n:
            res.static.append(_check("shapes", False, f"{n} tensors disagree with config.json: "
                                     + "; ".join(sc["mismatches"][:3]), "config.json"))
        else:
            res.static.append(_check("shapes", True, f"{sc['matched']} of {sc['stored']} stored "
                                     "tensors have the shapes config.json implies", "config.json"))
    gc = child.get("gguf_check")
    if gc:
        ok = not gc.get("non_finite")
        res.static.append(_check("gguf-tensors", ok, f"{gc['tensors']} tensors read, "
                                 f"{gc['parameters']:,} parameters, architecture "
                                 f"{gc.get('architecture')!r}, tokenizer "
                                 f"{'present' if gc.get('tokenizer') else 'absent'}",
                                 rep.plan.file))
        if not gc.get("tokenizer"):
            res.static.append(_check("tokenizer", False, "the GGUF file carries no tokenizer",
                                     rep.plan.file))
    if pc.from_config and pc.in_weights:
        if pc.in_weights < pc.from_config * 0.99:
            res.static.append(_check("parameters", False, f"the weights hold {pc.in_weights:,} "
                                     f"parameters, the config implies {pc.from_config:,}"))
        else:
            res.static.append(_check("parameters", True, f"{pc.in_weights:,} parameters stored, "
                                     f"{pc.from_config:,} implied by the config"))
    found = pc.loaded or pc.in_weights or pc.from_config
    if pc.declared and found:
        pc.matches_declared = _close(found, pc.declared)


def _close(found: int, declared: int) -> bool:
    """Within 10 %, or equal once rounded the way cards round (37,120 ~ 'about 37 thousand')."""
    return abs(found - declared) <= 0.1 * declared


def _check(name: str, ok: bool | None, detail: str, path: str | None = None) -> Any:
    from truecard.verify.result import StaticCheck

    return StaticCheck(name=name, ok=ok, detail=detail, path=path)


def _repo_note(rep: StaticReport, ft: FinetuneResult) -> None:
    scripts = [f for f in rep.finetune_files if f.endswith((".py", ".sh"))]
    if rep.finetune_settings:
        ft.used_repo_files = list(rep.finetune_settings_from)
        ft.repo_note = (f"the step used the LoRA settings of {', '.join(rep.finetune_settings_from)} "
                        f"({', '.join(f'{k}={v}' for k, v in rep.finetune_settings.items())})")
    elif rep.finetune_files:
        ft.repo_note = "the repository's fine-tuning files were found but give no settings the step can use"
    else:
        ft.repo_note = "the repository ships no fine-tuning script or config; truecard's own step was used"
    if scripts:
        ft.repo_note += (f"; its scripts ({', '.join(scripts[:3])}) were not executed: truecard "
                         "runs only its own fixed training step, never a repository's scripts")


def _full_step_note(rep: StaticReport, ft: FinetuneResult) -> None:
    """Without peft the step trains all weights: a LoRA recipe's rank and targets do not apply."""
    src = ", ".join(rep.finetune_settings_from)
    if "learning_rate" in rep.finetune_settings:
        ft.repo_note = (f"peft is not installed: the step trained all weights, using only the "
                        f"learning rate of {src} (its LoRA settings need peft)")
    else:
        ft.used_repo_files = []
        ft.repo_note = f"peft is not installed: the step trained all weights; the LoRA settings of {src} were not used"


def _merge_finetune(ft: FinetuneResult, child: dict[str, Any] | None, res: VerifyResult,
                    out: Any) -> None:
    if res.too_large:
        ft.error = "not attempted: the model is too large to load within the memory limit"
        return
    if child:
        for k, v in child.items():
            if k in FinetuneResult.model_fields and v is not None and k not in (
                    "repo_files", "used_repo_files", "repo_note"):
                setattr(ft, k, v)
    if not ft.attempted:
        if out.result is None or not res.inference.ok:
            ft.error = ft.error or "not attempted: the model did not load and run"
        ft.ok = False if ft.ok is None else ft.ok
    elif out.result is None:
        ft.ok = False
        ft.timed_out, ft.memory_exceeded = out.timed_out, out.memory_exceeded
        ft.error = res.inference.error
    if ft.ok is None:
        ft.ok = False


def _finish(res: VerifyResult) -> VerifyResult:
    inf = res.inference
    static_ok = res.static_ok
    ft_ok = res.finetune is None or bool(res.finetune.ok)
    if res.status == "not-run":
        res.summary = "not run: " + (inf.error or "")
    elif inf.ok and ft_ok:
        res.status = "passed"
        out = inf.output or {}
        shown = out.get("text")
        res.summary = (f"loaded and ran in {inf.seconds or 0:.2f} s, peak {inf.peak_memory_mb or 0:.0f} MiB"
                       + (f"; generated {shown!r}" if shown is not None else ""))
        if res.finetune is not None:
            res.summary += f"; fine-tuning step ({res.finetune.method}) changed the weights"
    elif inf.ok:
        res.status = "partial"
        res.summary = f"inference ran; the fine-tuning step failed: {res.finetune.error if res.finetune else ''}"
    elif res.too_large and static_ok:
        res.status = "partial"
        res.summary = "too large to load here; every check that needs no loading passed"
    else:
        res.status = "failed"
        res.summary = inf.error or "failed"
        if res.too_large:
            res.summary = "too large to load here, and a check without loading failed"
    return res
