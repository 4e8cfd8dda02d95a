"""gunicorn's logger, minus client addresses and tokens (`logger_class` in
deploy/gunicorn.conf.py).

Access log: `%(h)s` (the address) and `%(u)s` (a Basic-auth user) are "-", `%(U)s` and
`%(r)s` carry the matched route rule instead of the path (`request_log.logged_path`),
`%(q)s` and the referrer `%(f)s` are empty, and the per-header and per-variable atoms
(`%({x-forwarded-for}i)s`, `%({location}o)s`, `%({remote_addr}e)s`...) are gone, since
they hold addresses, tokens and cookies: whatever format is configured, none of them can
be logged. Error log: gunicorn's "Invalid request from ip=..." loses the address, and
paths in messages (a malformed request line, Flask's "Exception on /r/...") are cut to
their first segment.
"""

from __future__ import annotations

from typing import Any

from gunicorn import glogging

from .request_log import SCRUB, logged_path, scrub_logger


class Logger(glogging.Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(SCRUB)  # the same filter object: never added twice
        scrub_logger("assess")

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: Any) -> dict[str, Any]:
        atoms = {key: value for key, value in super().atoms(resp, req, environ,
                                                            request_time).items()
                 if not key.startswith("{")}
        path = logged_path(environ)
        atoms.update(h="-", u="-", U=path, q="", f="-",
                     r=f"{atoms['m']} {path} {atoms['H']}")
        return atoms
