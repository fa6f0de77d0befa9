"""Keep personal-link tokens (R17) out of server access logs.

Django's own request log is kept clean by the mobile views; the ASGI server's access log
("GET /m/<token>/ 302") and runserver's are written outside Django. This filter rewrites
such lines to "/m/[token]/". Attach it where those loggers are set up, e.g. in asgi.py:
`logging.getLogger("uvicorn.access").addFilter(RedactMobileTokens())`.
"""

import logging
import re

_TOKEN_PATH = re.compile(r"""(^|[\s"'])/m/[^/\s?"']+""")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1/m/[token]", text)


class RedactMobileTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
