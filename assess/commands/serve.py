"""`assess serve`: the app on the embedded database, upgraded first."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import show_server_banner
from werkzeug.serving import WSGIRequestHandler, run_simple

from ..request_log import logged_path, scrub_logger, scrub_message
from .database import database_command, release


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@database_command
def serve(host: str, port: int) -> None:
    """Serve the web app (development server; use gunicorn with wsgi:app in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    release()  # the server opens its own connections, per thread
    click.echo(f"Serving on http://{host}:{port}/  (database: "
               f"{app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]})", err=True)
    # Werkzeug's server, as `flask run` and `app.run` use it (under Flask's CLI `app.run`
    # does nothing).
    show_server_banner(app.debug, app.name)
    scrub_logger(app.name)  # Flask logs the path of a request that raised
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True,
               request_handler=AnonymousRequestHandler)


class AnonymousRequestHandler(WSGIRequestHandler):
    """Request log lines without the client's address, and with the route a request
    matched instead of its path and query (tokens live in paths): see `request_log`."""

    def handle_one_request(self) -> None:
        self.environ = {}  # a request refused before the app ran logs no earlier path
        super().handle_one_request()

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = getattr(code, "value", code)
        super().log("info", '"%s %s %s" %s %s', getattr(self, "command", "-"),
                    logged_path(self.environ), getattr(self, "request_version", "-"),
                    status, size)

    def log(self, type: str, message: str, *args: object) -> None:
        """Other messages (a malformed request...) quote the raw request line."""
        super().log(type, "%s", scrub_message(message % args if args else message))
