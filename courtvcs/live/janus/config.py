"""Render the Janus configuration the project ships (deploy/janus/*.jcfg) into a folder.

The templates hold `${name}` placeholders; the values come from the caller (the
`janus_config` command reads the environment, the tests pick free ports). The admin
secret, the API secret and the VideoRoom admin key are required and must not be Janus'
sample values: a server started with them would take orders from anyone who read the docs.
"""

import secrets
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parents[3] / "deploy" / "janus"
FILES = ("janus.jcfg", "janus.plugin.videoroom.jcfg", "janus.transport.http.jcfg",
         "janus.transport.websockets.jcfg")
LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
# The secrets the sample configuration of Janus ships with.
SAMPLE_SECRETS = frozenset({"janusoverlord", "janusrocks", "supersecret", "adminpwd", ""})
SECRET_NAMES = ("admin_secret", "api_secret", "room_admin_key")


class ConfigError(ValueError):
    pass


def defaults() -> dict:
    return {
        "plugins_folder": str(LIB / "plugins"), "transports_folder": str(LIB / "transports"),
        "events_folder": str(LIB / "events"), "loggers_folder": str(LIB / "loggers"),
        "debug_level": "4", "server_name": "courtvcs-janus", "rtp_port_range": "20000-40000",
        "http_port": "8088", "http_ip": "127.0.0.1", "admin_port": "7088",
        "ws_port": "8188", "ws_ip": "0.0.0.0", "nat_extra": "",
    }


def new_secrets() -> dict:
    """Fresh random secrets (for a test server, or to print for a new deployment)."""
    return {name: secrets.token_urlsafe(24) for name in SECRET_NAMES}


def render(folder: Path | str, **values) -> Path:
    """Write the four .jcfg files into `folder` (created if missing); returns it."""
    folder = Path(folder)
    merged = {**defaults(), **{k: str(v) for k, v in values.items() if v is not None}}
    for name in SECRET_NAMES:
        value = merged.get(name, "")
        if value in SAMPLE_SECRETS or len(value) < 16:
            raise ConfigError(f"{name} must be set to a random value of 16+ characters "
                              "(not Janus' sample one)")
        if '"' in value or "\\" in value:
            raise ConfigError(f"{name} may not contain quotes or backslashes")
    merged["configs_folder"] = str(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # the secrets are in these files
    for name in FILES:
        text = Template((TEMPLATES / name).read_text()).substitute(merged)
        target = folder / name
        target.write_text(text)
        target.chmod(0o600)
    return folder
