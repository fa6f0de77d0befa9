"""A real Janus for the readiness of the Janus plane (tests/janus.py)."""

from tests.janus import janus_pool, janus_server  # noqa: F401
