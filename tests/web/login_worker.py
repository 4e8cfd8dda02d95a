"""One "gunicorn worker" for the shared-throttle tests: its own process and its own app,
posting sign-in attempts. Prints the status codes as JSON.

    python login_worker.py '{"config": {...}, "email": "...", "attempts": 2}'
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    job = json.loads(sys.argv[1])
    from assess import create_app

    app = create_app(job["config"])
    client = app.test_client()
    codes = [client.post("/login", data={"email": job["email"],
                                         "password": "not-the-password"},
                         environ_base={"REMOTE_ADDR": address}).status_code
             for address in job["addresses"]]
    from assess.extensions import db

    with app.app_context():
        db.engine.dispose()
    print(json.dumps(codes))


if __name__ == "__main__":
    main()
