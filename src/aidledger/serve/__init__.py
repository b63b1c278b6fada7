"""Serve: the REST API, the dashboard and the review workflow.

    from aidledger.serve import Settings, create_app
    app = create_app(Settings(url="sqlite:///aidledger.db"))   # an ASGI app; `aidledger serve` runs it

FastAPI, Jinja2 and uvicorn come with the `serve` extra; they are imported on first use of these names,
so the CLI (which loads this package's commands) starts without them.
"""

__all__ = ["Settings", "create_app"]


def __getattr__(name: str):
    if name in __all__:
        from aidledger.serve import app

        return getattr(app, name)
    raise AttributeError(name)
