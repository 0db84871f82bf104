"""`truecard verify`: executable means executed.

Loads a model the way its card says to, runs a short inference on a fixed input (and, with
`finetune=True`, one training step) in a sandboxed child process, and returns a
`VerifyResult`. Importing this package never imports torch: only the child does.
"""

from truecard.verify.core import ExtraMissing, verify
from truecard.verify.options import DEFAULT_TIMEOUT, VerifyError, VerifyOptions
from truecard.verify.result import (
    FinetuneResult,
    InferenceResult,
    ParameterCounts,
    StaticCheck,
    VerifyResult,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "ExtraMissing",
    "FinetuneResult",
    "InferenceResult",
    "ParameterCounts",
    "StaticCheck",
    "VerifyError",
    "VerifyOptions",
    "VerifyResult",
    "verify",
]
