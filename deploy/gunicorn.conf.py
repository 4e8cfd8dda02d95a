"""gunicorn for production, behind nginx with deploy/nginx.conf (see the README):

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

Environment (gunicorn's command-line options win over all of these):
    GUNICORN_BIND      where nginx reaches the app (default 127.0.0.1:8000: this machine only)
    WEB_CONCURRENCY    worker processes (default 2 x cores + 1)
"""

from __future__ import annotations

import os

# Sync workers: one request at a time per process. They are defenceless against a client
# that sends slowly (a worker waits on its socket until `timeout` kills it), which is why
# they must sit behind a buffering proxy: nginx reads the whole request body before it
# opens a connection here, and takes the response at once, so a worker's time is the
# app's time only. Every request is short CPU or database work (a PDF renders in ~1 s),
# which is what sync workers suit; threads or async workers would buy nothing but
# shared-state risk.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]
# Each worker builds the app itself (no preload_app): a database connection opened in
# the master would be shared by every forked worker.
preload_app = False

timeout = 30  # a worker silent this long is killed and replaced (the longest page: a report)
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 2  # seconds; sync workers close after each response anyway

# Recycle each worker after about a thousand requests (jittered, so that they do not all
# restart at once): memory that a library fragments or leaks is given back.
max_requests = 1000
max_requests_jitter = 100

# Request bounds: nginx's large_client_header_buffers (8k) is the same, so what nginx
# passes on, gunicorn takes; they guard a direct connection.
limit_request_line = 8190  # bytes in "GET /path?query HTTP/1.1" (gunicorn's maximum)
limit_request_fields = 50  # header lines
limit_request_field_size = 8190  # bytes per header line

# Logs to stdout/stderr (journald or the container collects them). The access log holds
# the time, the method, the route the request matched (`/r/<token>/section/<int:number>`:
# link tokens live in paths, so never the raw path), the status, the bytes sent and the
# duration; no client address, no query string, no referrer. The logger enforces that
# whatever the format, and scrubs client addresses and paths from the error log too
# (assess/gunicorn_logger.py). The app sees client addresses (rate limits) but never logs
# or stores them.
logger_class = "assess.gunicorn_logger.Logger"
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms'
