"""The TRUE dashboard: a FastAPI app over the store (`truecard serve`). Needs the `web` extra."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    from truecard.web.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
