"""A small client of one Janus server: its Janus API (HTTP transport) and admin API.

The application uses the API secret for its own requests (creating and destroying
VideoRooms) and the admin secret for tokens; browsers get per-participant tokens only.
"""

import secrets
from dataclasses import dataclass, field

import httpx
from django.conf import settings

VIDEOROOM = "janus.plugin.videoroom"


class JanusError(RuntimeError):
    """Janus answered with an error (or not at all)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class JanusServer:
    """One entry of COURTVCS_JANUS_SERVERS."""

    name: str
    api: str              # http://10.0.0.5:8088/janus  (the application nodes reach it)
    admin: str            # http://127.0.0.1:7088/admin (loopback of the Janus host, or a tunnel)
    ws: str               # ws(s)://{host}/janus-ws/ as browsers reach it; {host} = the page's host
    api_secret: str = field(repr=False)
    admin_secret: str = field(repr=False)
    room_admin_key: str = field(repr=False)
    capacity: int = 60    # sites (publishers) this server carries at most
    rec_dir: str = ""     # where this server writes recordings (default: the setting)

    @classmethod
    def from_setting(cls, entry: dict) -> "JanusServer":
        known = {k: entry[k] for k in cls.__dataclass_fields__ if k in entry}
        return cls(**known)


def pool() -> list[JanusServer]:
    return [JanusServer.from_setting(e) for e in settings.COURTVCS_JANUS_SERVERS]


def server_named(name: str) -> JanusServer:
    for server in pool():
        if server.name == name:
            return server
    raise JanusError(f"no Janus server named {name!r} in COURTVCS_JANUS_SERVERS")


def _transaction() -> str:
    return secrets.token_urlsafe(9)


class JanusClient:
    def __init__(self, server: JanusServer, timeout: float | None = None):
        self.server = server
        self.http = httpx.Client(timeout=timeout or settings.COURTVCS_JANUS_TIMEOUT_SECONDS)

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _post(self, url: str, body: dict) -> dict:
        try:
            answer = self.http.post(url, json={"transaction": _transaction(), **body}).json()
        except (httpx.HTTPError, ValueError) as exc:
            raise JanusError(f"Janus {self.server.name} unreachable: {exc}") from exc
        if answer.get("janus") == "error":
            error = answer.get("error", {})
            raise JanusError(error.get("reason", "error"), error.get("code"))
        return answer

    # --- admin API ---------------------------------------------------------------------
    def admin(self, request: str, **body) -> dict:
        return self._post(self.server.admin, {"janus": request, "admin_secret": self.server.admin_secret,
                                              **body})

    def add_token(self, token: str, plugins=(VIDEOROOM,)) -> None:
        self.admin("add_token", token=token, plugins=list(plugins))

    def remove_token(self, token: str) -> None:
        try:
            self.admin("remove_token", token=token)
        except JanusError as exc:
            if exc.code != 470:  # JANUS_ERROR_TOKEN_NOT_FOUND: already gone
                raise

    def list_tokens(self) -> list[str]:
        data = self.admin("list_tokens").get("data", {})
        return [t["token"] for t in data.get("tokens", [])]

    # --- the VideoRoom plugin, on a short-lived session --------------------------------
    def videoroom(self, *requests: dict) -> list[dict]:
        """Send VideoRoom requests on one session and handle; the plugin's answers in order."""
        secret = {"apisecret": self.server.api_secret}
        session = self._post(self.server.api, {"janus": "create", **secret})["data"]["id"]
        base = f"{self.server.api.rstrip('/')}/{session}"
        try:
            handle = self._post(base, {"janus": "attach", "plugin": VIDEOROOM, **secret})["data"]["id"]
            answers = []
            for body in requests:
                reply = self._post(f"{base}/{handle}", {"janus": "message", "body": body, **secret})
                data = reply.get("plugindata", {}).get("data", {})
                if data.get("videoroom") == "event" and "error" in data:
                    raise JanusError(data["error"], data.get("error_code"))
                answers.append(data)
            return answers
        finally:
            try:
                self._post(base, {"janus": "destroy", **secret})
            except JanusError:
                pass  # the session times out by itself

    def room_exists(self, room_id: int) -> bool:
        return bool(self.videoroom({"request": "exists", "room": room_id})[0].get("exists"))

    def create_room(self, *, room_id: int, secret: str, pin: str, description: str, publishers: int,
                    record: bool, rec_dir: str = "") -> int:
        body = {"request": "create", "admin_key": self.server.room_admin_key, "room": room_id,
                "description": description, "secret": secret, "pin": pin, "is_private": True,
                "publishers": publishers, "permanent": False, "audiocodec": "opus",
                "videocodec": "vp8", "bitrate": 1_024_000, "fir_freq": 5,
                "notify_joining": False, "allowed": [], "record": record}
        if record:
            body["rec_dir"] = rec_dir
        return int(self.videoroom(body)[0]["room"])

    def allow(self, room_id: int, secret: str, tokens: list[str], action: str = "add") -> None:
        self.videoroom({"request": "allowed", "room": room_id, "secret": secret, "action": action,
                        "allowed": tokens})

    def destroy_room(self, room_id: int, secret: str) -> bool:
        """False when the room was not there (already destroyed, or the server restarted)."""
        try:
            self.videoroom({"request": "destroy", "room": room_id, "secret": secret, "permanent": False})
        except JanusError as exc:
            if exc.code == 426:  # JANUS_VIDEOROOM_ERROR_NO_SUCH_ROOM
                return False
            raise
        return True

    def list_rooms(self) -> list[dict]:
        return self.videoroom({"request": "list", "admin_key": self.server.room_admin_key})[0].get("list", [])

    def participants(self, room_id: int, secret: str) -> list[dict]:
        return self.videoroom({"request": "listparticipants", "room": room_id,
                               "secret": secret})[0].get("participants", [])
