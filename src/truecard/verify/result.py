"""The typed result of `truecard verify`: what ran, what it produced, what it cost.

This is the contract between the sandboxed child (which fills most of it as plain JSON),
the criteria (which read it from `Inventory.verification` as a dict) and every output. A
result always says *why*: an inference that did not run carries the reason (too large,
needs remote code, timed out, loader error quoted), never a bare `false`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ParameterCounts(BaseModel):
    """Parameter counts from three independent places, so a card's claim can be checked."""

    loaded: int | None = Field(
        default=None, description="Counted on the model as loaded (tied weights once)."
    )
    in_weights: int | None = Field(
        default=None, description="Elements of all tensors in the weight files' headers."
    )
    from_config: int | None = Field(
        default=None, description="Parameters of the model built from config.json alone."
    )
    declared: int | None = Field(default=None, description="Stated in the model card.")
    declared_text: str | None = Field(default=None, description="The card's own words.")
    declared_at: str | None = Field(default=None, description="Where the card states it.")
    matches_declared: bool | None = Field(
        default=None, description="Found count within 10 % of (or rounding to) the declared one."
    )


class InferenceResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attempted: bool = False
    loaded: bool = Field(default=False, description="The weights were loaded into the library.")
    ok: bool | None = Field(
        default=None, description="Loaded and ran on the fixed input with finite output; None when "
        "not attempted."
    )
    error: str | None = None
    loader: str | None = Field(default=None, description="e.g. 'transformers AutoModelForCausalLM'.")
    loader_basis: str | None = Field(default=None, description="Why that loader was chosen.")
    task: str | None = None
    dtype: str | None = None
    seconds: float | None = Field(default=None, description="Load plus run, in the child.")
    load_seconds: float | None = None
    run_seconds: float | None = None
    peak_memory_mb: float | None = Field(default=None, description="Peak resident memory of the child.")
    baseline_memory_mb: float | None = Field(
        default=None, description="Resident memory after importing libraries, before loading."
    )
    parameters: ParameterCounts = Field(default_factory=ParameterCounts)
    output: dict[str, Any] | None = Field(default=None, description="What the model produced.")
    stage: str | None = Field(default=None, description="Last stage reached in the child.")
    timed_out: bool = False
    memory_exceeded: bool = False
    needs_remote_code: bool = False
    notes: list[str] = Field(default_factory=list)


class FinetuneResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attempted: bool = False
    ok: bool | None = None
    error: str | None = None
    method: Literal["lora", "full"] | None = None
    head: str | None = Field(default=None, description="Model class trained, e.g. AutoModelForCausalLM.")
    trainable_parameters: int | None = None
    loss_step: float | None = Field(default=None, description="Loss of the training step itself.")
    loss_before: float | None = Field(default=None, description="Eval loss on the batch before.")
    loss_after: float | None = Field(default=None, description="Eval loss on the batch after.")
    losses: list[float] = Field(default_factory=list)
    loss_finite: bool | None = None
    weights_changed: bool | None = None
    seconds: float | None = None
    peak_memory_mb: float | None = None
    repo_files: list[str] = Field(
        default_factory=list, description="Fine-tuning scripts or configs the repository ships."
    )
    used_repo_files: list[str] = Field(
        default_factory=list, description="Of those, the ones whose settings the step used."
    )
    repo_note: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    timed_out: bool = False
    memory_exceeded: bool = False


class StaticCheck(BaseModel):
    """One check made without running the model (headers, files, shapes on the meta device)."""

    name: str
    ok: bool | None = Field(description="None when the check could not be made.")
    detail: str
    path: str | None = None


class SandboxInfo(BaseModel):
    network: Literal["namespace", "environment"] = Field(
        description="'namespace': a fresh network namespace with no interfaces; "
        "'environment': offline variables, no proxies and a socket audit hook only."
    )
    memory_limit_mb: float
    timeout_seconds: float
    trust_remote_code: bool
    python: str
    exit: str | None = Field(default=None, description="How the child ended.")


class VerifyResult(BaseModel):
    """What `truecard verify` found. `status` is the one-word verdict the criteria read."""

    truecard_version: str
    source: str
    location: str
    revision: str | None = None
    status: Literal["passed", "partial", "failed", "not-run"] = Field(
        description="passed: inference (and the fine-tuning step, when asked) ran; partial: not "
        "loaded (too large) but every static check passed; failed: it did not run or a check "
        "failed; not-run: nothing could be attempted (e.g. remote code without the flag)."
    )
    summary: str
    format: str | None = Field(default=None, description="safetensors, gguf, onnx, ...")
    too_large: bool = False
    weights_bytes: int = 0
    inference: InferenceResult = Field(default_factory=InferenceResult)
    finetune: FinetuneResult | None = None
    static: list[StaticCheck] = Field(default_factory=list)
    sandbox: SandboxInfo | None = None
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)

    @property
    def static_ok(self) -> bool:
        return bool(self.static) and all(c.ok is not False for c in self.static)
