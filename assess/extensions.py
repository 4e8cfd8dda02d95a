"""Flask extensions, created unbound once; `create_app` binds them to an app.

Models and blueprints import from here, never from `assess`, so nothing imports the
package that is still being built. Flask-Migrate is the exception: it imports Alembic, so
`assess.schema` binds it only when a migration runs.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from . import limiter_storage  # noqa: F401  (registers the embedded assess+sqlite:// storage)


class Base(DeclarativeBase):
    # Named constraints, so later migrations can alter them (SQLite batch mode needs names).
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login = LoginManager()


def hashed_key(kind: str, value: str) -> str:
    """A limiter key that names its client only under the app's secret key: the shared
    storage (a file, Redis) never holds an address or an email address in clear."""
    secret = current_app.config["SECRET_KEY"]
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def address_key() -> str:
    return hashed_key("address", get_remote_address())


limiter = Limiter(key_func=address_key)


@limiter.request_filter
def no_limit_applies() -> bool:
    """Whether no rate limit can apply to this request's page. Only some pages carry one
    (sign-in, password resets, the survey's links), so every other page skips the
    limiter's search for its limits (~65 µs a request). Decided once per page and app
    by the limiter's own rules, so default, application and blueprint limits count."""
    endpoint = request.endpoint
    if not endpoint:
        return False
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    known: dict[str, bool] = app.extensions.setdefault("assess.unlimited_endpoints", {})
    if endpoint not in known:
        view = app.view_functions.get(endpoint)
        defaults, decorated = limiter.limit_manager.resolve_limits(
            app, endpoint, request.blueprint, get_qualified_name(view) if view else "")
        known[endpoint] = not (defaults or decorated or limiter.limit_manager.application_limits
                               or app.config.get("RATELIMIT_META"))
    return known[endpoint]
