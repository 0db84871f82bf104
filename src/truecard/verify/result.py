"""The typed result of `truecard verify`: what ran, what it produced, what it cost.

The models live in `truecard.models` (the scorecard carries them as `Scorecard.verification`,
and models must not import the verify package); they are re-exported here, where the
sandboxed child's JSON is read into them.
"""

from __future__ import annotations

from truecard.models import (
    FinetuneResult,
    InferenceResult,
    ParameterCounts,
    SandboxInfo,
    StaticCheck,
    VerifyResult,
)

__all__ = ["FinetuneResult", "InferenceResult", "ParameterCounts", "SandboxInfo", "StaticCheck", "VerifyResult"]
