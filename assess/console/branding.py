"""A consultant's branding: name, accent colour, contact line and logo, on every PDF.

A logo is accepted only if its bytes are a PNG or JPEG image (not its name or declared
type), at most 1 MB and 4,000 px a side; it is decoded and re-encoded as a fresh PNG of
at most 600 x 200 px, so nothing but pixels from the upload reaches a report.
"""

from __future__ import annotations

import io
import struct
from contextlib import closing

from ..errors import BadForm
from ..extensions import db
from ..models import Account
from .rounds import clean_name

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_BOX = (600, 200)


def clean_logo(data: bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise BadForm("The logo is larger than 1 MB; please upload a smaller image.")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise BadForm("The logo must be a PNG or JPEG image.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise BadForm("The logo must be a PNG or JPEG image.")
            if max(image.size) > LOGO_MAX_SIDE:
                raise BadForm(f"The logo is larger than {LOGO_MAX_SIDE} pixels a side.")
            image.load()
            picture = image.convert("RGBA")
    except BadForm:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError,
            SyntaxError, EOFError, struct.error):  # how Pillow's decoders say "broken"
        raise BadForm("The logo could not be read as an image.") from None
    picture.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_branding(account: Account, form) -> None:
    account.brand_name = clean_name(form.brand_name.data, "name on the reports", 120) \
        if form.brand_name.data else ""
    account.brand_colour = (form.brand_colour.data or "").lower()
    account.brand_contact = clean_name(form.brand_contact.data, "contact line", 200) \
        if form.brand_contact.data else ""
    upload = form.logo.data
    if upload is not None and hasattr(upload, "read"):
        with closing(upload):
            data = upload.read(LOGO_MAX_BYTES + 1)
        if data:
            account.brand_logo = clean_logo(data)
    db.session.commit()
