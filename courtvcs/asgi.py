import gc
import logging
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from courtvcs.live.logredact import RedactMobileTokens  # noqa: E402
from courtvcs.live.routing import websocket_urlpatterns  # noqa: E402  (needs the apps loaded)

# R17: a mobile participant's personal link must not stay in the server's access log.
logging.getLogger("uvicorn.access").addFilter(RedactMobileTokens())
# Objects loaded at start-up live as long as the process: keep the garbage collector from
# walking them on every collection (it set the p99 of the list pages; bench/README.md).
gc.freeze()

# WebSockets: the signalling of the VCS rooms. The person comes from the HTTP session
# (signed-in staff, or a mobile-VCS participant's exchanged link); a page of another
# origin may not open a socket with the person's cookies (ALLOWED_HOSTS).
application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
