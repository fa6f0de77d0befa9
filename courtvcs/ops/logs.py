"""What each log line says about the request it belongs to (docs/deploy.md, "Logs").

The request middleware binds the request to the context; this filter adds its request
id, the signed-in user's id (an id, never a name) and its path (personal-link tokens
redacted, no query string) to every record logged while it is answered, in any thread
the request runs in. Outside a request the fields are empty.
"""

import contextvars
import logging

from pythonjsonlogger.core import RESERVED_ATTRS

from courtvcs.live.logredact import redact

_request: contextvars.ContextVar = contextvars.ContextVar("courtvcs_request", default=None)


def bind(request) -> contextvars.Token:
    return _request.set(request)


def unbind(token: contextvars.Token) -> None:
    _request.reset(token)


def current_request():
    """The request being answered in this context (None outside one)."""
    return _request.get()


def user_id_of(request) -> int | None:
    # Only a user the request has already loaded: a log line must never query the database
    # (it may be written from the event loop, where Django forbids that).
    user = getattr(request, "_cached_user", None) or getattr(request, "_acached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestContext(logging.Filter):
    """Adds request_id, user_id and path; `empty` stands where there is none (None in JSON)."""

    def __init__(self, empty: str | None = None) -> None:
        super().__init__()
        self.empty = empty

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs an error answer (django.request) after the middleware let go of the
        # request, but hands it to the record.
        request = _request.get() or getattr(record, "request", None)
        if request is not None and not hasattr(request, "path"):
            request = None
        if request is None:
            record.request_id = record.user_id = record.path = self.empty
        else:
            record.request_id = getattr(request, "request_id", None) or self.empty
            user_id = user_id_of(request)
            record.user_id = self.empty if user_id is None else user_id
            record.path = redact(request.path)
        return True


class ServerLines(logging.Filter):
    """The ASGI server's WebSocket lines name the browser's address and the query string
    ('%s - "WebSocket %s" [accepted]'): keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (record.name.startswith("uvicorn") and isinstance(record.msg, str)
                and record.msg.startswith('%s - "WebSocket') and isinstance(args, tuple) and len(args) >= 2):
            record.args = ("-", str(args[1]).partition("?")[0], *args[2:])
        return True


def logging_config(log_format: str, level: str) -> dict:
    """settings.LOGGING: readable text by default, one JSON object a line with LOG_FORMAT=json."""
    json_lines = log_format == "json"
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request": {"()": "courtvcs.ops.logs.RequestContext", "empty": None if json_lines else "-"},
            "redact": {"()": "courtvcs.live.logredact.RedactMobileTokens"},
            "server": {"()": "courtvcs.ops.logs.ServerLines"},
        },
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(path)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,  # the record's time, UTC, ISO 8601
                # Not the request object Django attaches (its text is the full path, query
                # string included), nor the ASGI server's coloured copy of the message.
                "reserved_attrs": [*RESERVED_ATTRS, "request", "color_message"],
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request", "server", "redact"],
                                 "formatter": "json" if json_lines else "text"}},
        "root": {"handlers": ["console"], "level": level},
    }
    if json_lines:
        # The ASGI server's own lines in the same shape. Its access line (client address,
        # query string) is replaced by the app's request line (COURTVCS_REQUEST_LOG).
        config["loggers"] = {
            "uvicorn": {"handlers": ["console"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        }
    return config
