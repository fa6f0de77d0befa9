"""Fixtures of the tests under tests/ (the browser tests add theirs in tests/e2e/conftest.py)."""

# Several application nodes (uvicorn processes sharing PostgreSQL and Redis): asgi_nodes.
from tests.e2e.nodes import asgi_nodes  # noqa: F401
