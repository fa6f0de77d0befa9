"""Fixtures of the live tests: a real Janus for the Janus plane (tests/janus.py)."""

from tests.janus import janus_pool, janus_server  # noqa: F401
