"""CLI commands of aidledger.serve, registered on the main Typer app by `aidledger.cli`."""

from __future__ import annotations

import os

import typer

DB_HELP = "Database URL (sqlite:///file.db or postgresql+psycopg://user@host/db); default $AIDLEDGER_DB."


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def serve(db: str = typer.Option(None, "--db", help=DB_HELP),
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", help="Port to listen on."),
          private: bool = typer.Option(False, "--private", help="Reads need a token too (default: public reads)."),
          workers: int = typer.Option(1, "--workers", min=1, help=(
              "Server processes sharing the port. One process runs Python on one core at a time; "
              "give as many as the cores it may use (2 on a 2-core machine)."))
          ) -> None:
    """Serve the JSON API (/api, docs at /docs) and the dashboard (/) over the ledger."""
    import uvicorn

    from aidledger.errors import AidledgerError
    from aidledger.serve.app import Settings, create_app, worker_environment
    from aidledger.store.ledger import Ledger, default_url

    settings = Settings(url=db or default_url(), public_reads=not private)
    try:
        if workers == 1:
            app = create_app(settings)
        else:  # opened (and migrated) here once, so a bad URL fails before any worker starts
            Ledger(settings.url).engine.dispose()
    except AidledgerError as exc:
        raise _fail(exc) from exc
    typer.echo(f"aidledger: dashboard http://{host}:{port}/  API docs http://{host}:{port}/docs")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    os.environ.update(worker_environment(settings))  # the workers are new processes: they read it from there
    uvicorn.run("aidledger.serve.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


token_app = typer.Typer(help="Write tokens for reviewers (stored as hashes; shown once).", no_args_is_help=True)


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="Who the token is for; reviews are recorded under it."),
                 db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create a write token for NAME and print it once (only its hash is stored)."""
    from aidledger.errors import AidledgerError
    from aidledger.serve.auth import create_token
    from aidledger.store.ledger import open_ledger

    try:
        typer.echo(create_token(open_ledger(db).engine, name))
    except AidledgerError as exc:
        raise _fail(exc) from exc


@token_app.command("revoke")
def token_revoke(name: str = typer.Argument(..., help="The token's name."),
                 db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Delete NAME's token; requests with it are refused from now on."""
    from aidledger.serve.auth import revoke_token
    from aidledger.store.ledger import open_ledger

    if not revoke_token(open_ledger(db).engine, name):
        raise _fail(ValueError(f"no token named {name!r} (see `aidledger token list`)"))
    typer.echo(f"revoked {name}")


@token_app.command("list")
def token_list(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List token names and when they were created (never the tokens)."""
    from aidledger.serve.auth import list_tokens
    from aidledger.store.ledger import open_ledger

    for row in list_tokens(open_ledger(db).engine):
        typer.echo(f"{row['name']}\t{row['created_at']}")


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app`."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
