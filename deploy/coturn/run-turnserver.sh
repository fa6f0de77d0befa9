#!/bin/sh
# Start coturn with deploy/coturn/turnserver.conf and the shared secret from the environment.
#
#   COURTVCS_TURN_SECRET=... deploy/coturn/run-turnserver.sh [extra turnserver options]
#   COURTVCS_TURN_SECRET_FILE=/etc/courtvcs/turn-secret deploy/coturn/run-turnserver.sh
#
# The secret goes into a private copy of the configuration (mode 0600, in
# COURTVCS_TURN_RUNTIME_DIR, default /run/courtvcs-turn), never onto the command line, where
# any local user could read it. COURTVCS_TURN_REALM sets the realm (default "courtvcs").
# Extra options (listening-ip, relay-ip, external-ip, cert, pkey) are passed on.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
conf=${COURTVCS_TURN_CONF:-$here/turnserver.conf}
secret=${COURTVCS_TURN_SECRET:-}
if [ -z "$secret" ] && [ -n "${COURTVCS_TURN_SECRET_FILE:-}" ]; then
    secret=$(tr -d '\r\n' < "$COURTVCS_TURN_SECRET_FILE")
fi
if [ -z "$secret" ]; then
    echo "run-turnserver.sh: set COURTVCS_TURN_SECRET or COURTVCS_TURN_SECRET_FILE" >&2
    exit 2
fi
case "$secret" in
    *[!A-Za-z0-9+/=_.-]*)
        echo "run-turnserver.sh: the secret may hold only A-Z a-z 0-9 + / = _ . -" >&2
        exit 2 ;;
esac

runtime=${COURTVCS_TURN_RUNTIME_DIR:-/run/courtvcs-turn}
mkdir -p "$runtime"
chmod 0700 "$runtime"
umask 077
{
    cat "$conf"
    echo
    echo "realm=${COURTVCS_TURN_REALM:-courtvcs}"
    echo "static-auth-secret=$secret"
} > "$runtime/turnserver.conf"
unset COURTVCS_TURN_SECRET secret

exec "${TURNSERVER:-turnserver}" -c "$runtime/turnserver.conf" \
    --pidfile "$runtime/turnserver.pid" --userdb "$runtime/turndb" "$@"
