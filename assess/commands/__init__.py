"""CLI commands, shared by the `assess` script and `flask --app wsgi`."""
