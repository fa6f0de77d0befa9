"""A WebSocket client for the consumer tests, on asgiref's ApplicationCommunicator.

channels.testing would do the same, but importing it pulls in daphne (and Twisted) for
its live-server class, which courtvcs does not use (uvicorn serves it).
"""

import json

from asgiref.testing import ApplicationCommunicator


class WebsocketCommunicator(ApplicationCommunicator):
    def __init__(self, application, path: str, headers=None):
        path, _sep, query = path.partition("?")
        super().__init__(application, {
            "type": "websocket", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
            "headers": headers or [], "subprotocols": [], "scheme": "ws", "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000)})

    async def connect(self, timeout=2):
        await self.send_input({"type": "websocket.connect"})
        out = await self.receive_output(timeout)
        if out["type"] == "websocket.close":
            return False, out.get("code", 1000)
        return True, out.get("subprotocol")

    async def send_to(self, text_data=None, bytes_data=None):
        message = {"type": "websocket.receive"}
        if text_data is not None:
            message["text"] = text_data
        if bytes_data is not None:
            message["bytes"] = bytes_data
        await self.send_input(message)

    async def send_json_to(self, data):
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout=2):
        out = await self.receive_output(timeout)
        assert out["type"] == "websocket.send", out
        return json.loads(out["text"])

    async def disconnect(self, code=1000, timeout=2):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
