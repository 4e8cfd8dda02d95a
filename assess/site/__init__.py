"""Public pages that belong to no audience: the landing page and the health check."""
