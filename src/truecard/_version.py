"""truecard's version, in a module of its own at the bottom of the layers.

`truecard/__init__` is the public facade: it reaches `scan`, `render` and the models lazily.
A module inside the package that read `__version__` from the facade (`from truecard import
__version__`) made the facade and that module import each other (`truecard` -> `engine` ->
`truecard`); modules inside the package read it from here instead, and only the facade and code
above the library (the CLI, the dashboard) may use `truecard.__version__`.
"""

from __future__ import annotations

__version__ = "0.1.0"
