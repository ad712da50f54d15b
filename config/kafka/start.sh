#!/bin/sh
# docker-compose's Kafka: on the first start, format the KRaft storage with its SCRAM-SHA-512
# users (KRaft keeps users in its metadata, and a broker whose listeners all need a login
# cannot create the first one itself), then run the broker. The users:
#   admin                         the broker's own login (password made by make-certs.sh)
#   $BORDERWATCH_SASL_USERNAME    borderwatch's workers and CLI (password from .env)
# Later password changes go through kafka-configs.sh (see README, Security).
set -eu

CONFIG=/opt/borderwatch/kafka/server.properties
SECRETS=/etc/kafka/secrets
DATA=/var/lib/kafka/data

user=${BORDERWATCH_SASL_USERNAME:?BORDERWATCH_SASL_USERNAME is not set}
password=${BORDERWATCH_SASL_PASSWORD:?BORDERWATCH_SASL_PASSWORD is not set (see .env.example)}
unset BORDERWATCH_SASL_PASSWORD # the broker itself never needs it

# --add-scram splits its argument at , = [ ] and quotes: keep names and passwords plain.
case "$user$password" in
*[!A-Za-z0-9._~-]*)
    echo "BORDERWATCH_SASL_USERNAME and _PASSWORD: use letters, digits and . _ ~ - only" >&2
    exit 1
    ;;
esac
if [ "${#password}" -lt 16 ]; then
    echo "BORDERWATCH_SASL_PASSWORD: use at least 16 characters" >&2
    exit 1
fi

if [ ! -f "$DATA/meta.properties" ]; then
    admin_password=$(cat "$SECRETS/admin_password")
    /opt/kafka/bin/kafka-storage.sh format --config "$CONFIG" \
        --cluster-id "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
        --add-scram "SCRAM-SHA-512=[name=admin,password=$admin_password]" \
        --add-scram "SCRAM-SHA-512=[name=$user,password=$password]"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"
