# The two commands a newcomer needs (see README): `make run` and `make test`.
.PHONY: run test bootstrap lint bench

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	.venv/bin/assess demo
	.venv/bin/assess serve

test: bootstrap
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/pytest

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/mypy

bench: bootstrap
	.venv/bin/python bench/bench_scoring.py
