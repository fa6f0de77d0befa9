"""Render the Janus configuration (deploy/janus) into a folder, from the environment.

    JANUS_ADMIN_SECRET=... JANUS_API_SECRET=... JANUS_ROOM_ADMIN_KEY=... \\
        manage.py janus_config /etc/janus-courtvcs
    janus --configs-folder=/etc/janus-courtvcs

The same three values go into this server's entry of COURTVCS_JANUS_SERVERS on the
application nodes. `--new-secrets` prints fresh random ones instead of reading them.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from courtvcs.live.janus.config import ConfigError, new_secrets, render

ENV = {
    "admin_secret": "JANUS_ADMIN_SECRET", "api_secret": "JANUS_API_SECRET",
    "room_admin_key": "JANUS_ROOM_ADMIN_KEY", "http_port": "JANUS_HTTP_PORT",
    "http_ip": "JANUS_HTTP_IP", "admin_port": "JANUS_ADMIN_PORT", "ws_port": "JANUS_WS_PORT",
    "ws_ip": "JANUS_WS_IP", "rtp_port_range": "JANUS_RTP_PORT_RANGE",
    "debug_level": "JANUS_DEBUG_LEVEL", "server_name": "JANUS_SERVER_NAME",
}


class Command(BaseCommand):
    help = "Render the Janus configuration courtvcs ships into a folder (values from JANUS_* variables)."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?")
        parser.add_argument("--new-secrets", action="store_true",
                            help="print fresh random secrets as JANUS_* variables and stop")
        parser.add_argument("--nat-1-1", default=os.environ.get("JANUS_NAT_1_1_MAPPING", ""),
                            help="the public address Janus announces (nat_1_1_mapping)")

    def handle(self, *args, folder=None, **options):
        if options.get("new_secrets"):
            for name, value in new_secrets().items():
                self.stdout.write(f"{ENV[name]}={value}")
            return
        if not folder:
            raise CommandError("give the folder to write the configuration into")
        values = {name: os.environ[env] for name, env in ENV.items() if os.environ.get(env)}
        if options["nat_1_1"]:
            values["nat_extra"] = f'\tnat_1_1_mapping = "{options["nat_1_1"]}"'
        try:
            render(folder, **values)
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Janus configuration written to {folder}; start: janus --configs-folder={folder}")
