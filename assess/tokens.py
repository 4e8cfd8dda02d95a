"""Link tokens: 192 random bits for the URL, only their SHA-256 in the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    """Cheap shape check so junk never reaches a query."""
    return 0 < len(token) <= MAX_TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in token)


def derived_token(secret: str | bytes, purpose: str) -> str:
    """A stable token derived from the app secret (used only by the demo)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(key, purpose.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii").rstrip("=")
