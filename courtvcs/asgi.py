import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()
# Objects loaded at start-up live as long as the process: keep the garbage collector from
# walking them on every collection (it set the p99 of the list pages; bench/README.md).
gc.freeze()

# WebSocket routes (live hearing console, signalling) join this router in later work.
application = ProtocolTypeRouter({"http": django_asgi_app})
