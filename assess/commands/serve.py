"""`assess serve`: the app on the embedded database, upgraded first."""

from __future__ import annotations

import click
from werkzeug.serving import WSGIRequestHandler

from ..bootstrap import cli_app, prepare_database, release


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the web app (development server; use gunicorn with wsgi:app in production)."""
    app = cli_app()
    prepare_database(app)
    release(app)  # the server opens its own connections, per thread
    click.echo(f"Serving on http://{host}:{port}/  (database: "
               f"{app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]})", err=True)
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True,
            request_handler=AnonymousRequestHandler)


class AnonymousRequestHandler(WSGIRequestHandler):
    """Request log lines without the client's address: respondents are anonymous."""

    def address_string(self) -> str:
        return "-"
