"""courtvcs.asgi.application with at most N HTTP requests inside Django at once (load_bench.py).

Django serves each request of an ASGI server in a thread of its own, and each such thread
opens its own database connection (conn_max_age=0 closes it at the end). With 200 people
at once that was up to 200 PostgreSQL connections from one process, past the server's
max_connections (100): "sorry, too many clients already", 500 answers, and every other
client of that PostgreSQL refused too. Here the requests past N wait in the process, in
order, as they would for a worker of a WSGI server; WebSockets pass through.

    COURTVCS_BENCH_MAX_REQUESTS=10 python -m uvicorn load_asgi:application   (cwd bench/)
"""

import asyncio
import os

from courtvcs.asgi import application as courtvcs

LIMIT = int(os.environ.get("COURTVCS_BENCH_MAX_REQUESTS", "10"))
_slots: asyncio.Semaphore | None = None


async def application(scope, receive, send):
    global _slots
    if scope["type"] != "http":
        return await courtvcs(scope, receive, send)
    if _slots is None:
        _slots = asyncio.Semaphore(LIMIT)  # made on the server's event loop
    async with _slots:
        return await courtvcs(scope, receive, send)
