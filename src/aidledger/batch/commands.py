"""CLI commands of aidledger.batch, registered on the main Typer app by `aidledger.cli`."""

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app`."""
