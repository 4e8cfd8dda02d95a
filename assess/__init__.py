"""The Flask web app: surveys for teams, the CEO quick assessment, the consultant console.

`create_app` reads like a table of contents: defaults, then `ASSESS_*` environment
variables, then `DATABASE_URL`, then the caller's overrides, then the register_* steps.
"""

from __future__ import annotations

import os
import secrets
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent


def templates_folder() -> Path:
    """The Jinja templates: inside the package when installed from a wheel, else the
    checkout's top-level `templates/` (a clone, or an editable install)."""
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else REPO / "templates"


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("ASSESS_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(templates_folder()),
        static_folder="static",
    )
    register_templates(app)
    app.config.from_mapping(_defaults(app))
    app.config.from_prefixed_env("ASSESS")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(config)
    _finish_config(app)

    register_extensions(app)
    register_inputs(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_headers(app)
    register_request_log(app)
    if app.config["VERIFY_QUESTIONNAIRES"]:
        from .extensions import db
        from .questionnaire_store import verify

        with app.app_context():
            try:
                verify()
            except Exception:
                db.engine.dispose()
                raise
    return app


def register_templates(app: Flask) -> None:
    from flask import request, url_for

    from .survey.markup import install as install_markup

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["fmt"] = _fmt
    install_markup(app)
    built: dict[tuple[str, str], str] = {}

    def static_url(filename: str) -> str:
        """`url_for("static", ...)`, built once per file and mount point: every page's
        layout links the same few files (~6 us each to build with url_for)."""
        key = (request.script_root, filename)
        url = built.get(key)
        if url is None:
            if len(built) >= 64:  # mount points come from the server: a few at most
                built.clear()
            url = built[key] = url_for("static", filename=filename)
        return url

    app.jinja_env.globals["static_url"] = static_url


def _defaults(app: Flask) -> dict[str, Any]:
    from .limiter_storage import file_uri

    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(app.instance_path) / 'assess.sqlite'}",
        "QUESTIONNAIRES_ROOT": _published_questionnaires(),
        "TEAM_QUESTIONNAIRE": "team-ecosystem",
        "QUICK_QUESTIONNAIRE": "ceo-quick",
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "TEXT_ANSWER_MAX": 2000,
        # Shared by every worker process on this machine (a SQLite file beside the
        # database); several machines share `redis://...` instead.
        "RATELIMIT_STORAGE_URI": file_uri(Path(app.instance_path) / "ratelimits.sqlite"),
        # Generous: a whole team behind one office address opens the link at once;
        # tokens carry 128+ bits, so the limit is against floods, not guessing.
        "RATELIMIT_ENTRY": "300 per minute",
        # Sign-in attempts per client address, and per email address typed (known or not).
        "RATELIMIT_LOGIN_ADDRESS": "30 per 15 minutes",
        "RATELIMIT_LOGIN_ACCOUNT": "10 per 15 minutes",
        "RATELIMIT_RESET": "5 per hour",  # reset mails asked for, per address and per email
        "LOGIN_LOCK_AFTER": 5,  # failed sign-ins in a row that lock an account ...
        "LOGIN_LOCK_MINUTES": 15,  # ... for this long
        "PROXY_FIX": 0,  # number of trusted reverse proxies in front (X-Forwarded-For)
        "RATELIMIT_HEADERS_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "INSECURE_COOKIES": False,  # 1: no Secure flag outside development (plain-HTTP hosting)
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        "REMEMBER_COOKIE_HTTPONLY": True,  # never set: sessions without sign-in times end
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "HSTS": "max-age=31536000",  # Strict-Transport-Security on HTTPS responses; "" for none
        "BASE_URL": None,  # e.g. https://assess.example.com: links in mails are built on it
        "MAIL_SERVER": None,  # no server: no mail; links are shown on screen
        "MAIL_PORT": 25,
        "MAIL_SENDER": None,
        "MAIL_USE_TLS": False,  # STARTTLS
        "MAIL_USE_SSL": False,  # TLS from the first byte (port 465)
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_TIMEOUT": 10,
        "WTF_CSRF_TIME_LIMIT": None,  # a respondent may take an hour on one page
        # Pages forbid the Referer header (Referrer-Policy: no-referrer: a path holds a
        # link token), so Flask-WTF's extra HTTPS check, that a POST's Referer names this
        # host, would refuse every form behind HTTPS. The CSRF token still guards them.
        "WTF_CSRF_SSL_STRICT": False,
        "VERIFY_QUESTIONNAIRES": True,
        "DEV_SECRET_FILE": False,
        # The CEO's path from the quick check to a team survey: on a self-serve
        # installation the CEO opens an account and a first round; otherwise the request
        # goes to LEAD_CONSULTANT (an email; default: the only consultant, or the admins).
        "SELF_SERVE": False,
        "LEAD_CONSULTANT": "",
    }


def _published_questionnaires() -> str:
    """The `questionnaires` package folder (questionnaires.ROOT), found without importing
    the package and NumPy with it: the app loads questionnaires when a page needs one."""
    spec = find_spec("questionnaires")
    assert spec is not None and spec.submodule_search_locations
    return str(Path(next(iter(spec.submodule_search_locations))).resolve())


def _finish_config(app: Flask) -> None:
    from .database import engine_options, normalise_url

    proxies = int(app.config["PROXY_FIX"])
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore
                                x_host=proxies)

    from .mail import check_config

    if problem := check_config(app.config):
        raise ConfigError(problem)
    # Session cookies only over HTTPS, except in tests, debugging and `assess serve`
    # (plain http://127.0.0.1), or where ASSESS_INSECURE_COOKIES says the site is plain HTTP.
    development = app.testing or app.debug or app.config["DEV_SECRET_FILE"]
    secure = not (development or app.config["INSECURE_COOKIES"])
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    engine_options(options)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        _private_sqlite(app)
    else:
        # A pooled connection may have died with a database restart: test it before use
        # (one round trip), and give up connecting after a few seconds, so a page says
        # 503 rather than hang while the database is down.
        options.setdefault("pool_pre_ping", True)
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            options.setdefault("connect_args", {}).setdefault("connect_timeout", 5)
    if not app.config.get("SECRET_KEY"):
        if app.config["DEV_SECRET_FILE"]:
            app.config["SECRET_KEY"] = _dev_secret(Path(app.instance_path))
        elif app.testing:
            app.config["SECRET_KEY"] = "testing-only"
        else:
            raise ConfigError(
                "ASSESS_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
                "  export ASSESS_SECRET_KEY=$(python -c 'import secrets; "
                "print(secrets.token_hex(32))')\n"
                "(`assess serve` and `assess demo` make one for local use by themselves).")


def _private_sqlite(app: Flask) -> None:
    """The instance folder 0700 and the database file 0600 before SQLite creates it
    (`assess.private_files`): SQLite gives its -wal and -shm files the same mode."""
    from sqlalchemy.engine import make_url

    from .private_files import private_dir, private_file

    private_dir(Path(app.instance_path))
    name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or ""
    path = Path(app.instance_path, name)  # a relative name is in the instance folder
    # A folder that does not exist is a mistake in the settings: no database is made.
    if name and name != ":memory:" and not name.startswith("file:") and path.parent.is_dir():
        private_file(path)


def _dev_secret(folder: Path) -> str:
    """Development only: a random key kept in the instance folder, made on first run."""
    from .private_files import write_private

    path = folder / "secret_key"
    if not path.exists():
        write_private(path, secrets.token_hex(32).encode())
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from flask_login import current_user

    from .auth.sessions import SignedCookies
    from .database import install_engine_hooks
    from .extensions import csrf, db, limiter, login

    app.session_interface = SignedCookies()
    db.init_app(app)
    install_engine_hooks(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Templates get `current_user` as Flask-Login's proxy: the account is loaded only by
    # a page that shows it, not by every survey page (Flask-Login's own processor loads it).
    login.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login.login_view = "auth.login"
    login.login_message = "Please sign in to see the console."

    from . import models

    @login.user_loader
    def _load_user(session_id: str) -> models.Account | None:
        """`public_id.session_version`: a session of an older version has ended."""
        import sqlalchemy as sa

        from .auth.sessions import has_times

        public_id, _, version = session_id.partition(".")
        if not version.isdigit() or len(public_id) > 16 or not has_times():
            return None  # no sign-in times: a remember-me cookie, which the app never sets
        account = db.session.scalar(sa.select(models.Account).filter_by(public_id=public_id))
        if account is None or not account.active or account.session_version != int(version):
            return None
        return account


def register_inputs(app: Flask) -> None:
    """Route converters for ids and bounded integers, and the one check of every
    request's text (`assess.inputs`): before the blueprints add their rules."""
    from .inputs import register

    register(app)


def register_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .console.views import bp as console_bp
    from .quick.views import bp as quick_bp
    from .respondent.views import bp as respondent_bp
    from .site.views import bp as site_bp

    for blueprint in (site_bp, auth_bp, console_bp, respondent_bp, quick_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Every `assess` command on `app.cli` (so `flask --app wsgi demo` works too), and
    Flask-Migrate's `db` commands."""
    from . import commands, schema

    commands.register(app)
    schema.register(app)


def _fmt(value: Any, style: str = "score") -> str:
    """The presentation layer's number format, as a template filter (loaded on first use)."""
    from .present import fmt

    return fmt(value, style)


# Pages of these blueprints show answers, results, account details or carry tokens in
# their URLs: no browser, proxy or shared cache may keep them.
NO_STORE_BLUEPRINTS = frozenset({"auth", "respondent", "quick", "console"})


def register_headers(app: Flask) -> None:
    from flask import request

    # Tokens live in URLs: never leak them to another site, never frame the pages.
    always = {
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    }

    @app.after_request
    def _headers(response: Any) -> Any:
        added = dict(always)
        if request.blueprint in NO_STORE_BLUEPRINTS:
            added["Cache-Control"] = "no-store"
        if request.is_secure and app.config["HSTS"]:
            added["Strict-Transport-Security"] = app.config["HSTS"]
        present = {key.lower() for key in response.headers.keys()}  # a view's own stay
        response.headers.extend({k: v for k, v in added.items() if k.lower() not in present})
        return response


def register_request_log(app: Flask) -> None:
    """The route each request matched, for the server's log line (`request_log`)."""
    from .request_log import note_route

    app.url_value_preprocessor(note_route)
