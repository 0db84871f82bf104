"""Sub-commands beyond the core; each module provides `register(app: typer.Typer) -> None`."""
