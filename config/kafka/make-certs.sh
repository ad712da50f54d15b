#!/bin/sh
# One-shot TLS set-up for docker-compose's Kafka (the `kafka-tls` service): a private CA,
# the broker's keystore and truststore, and the broker's own admin password.
#
#   $TLS_DIR (broker only):  kafka.keystore.p12, kafka.truststore.p12, keystore_password,
#                            admin_password
#   $CA_DIR  (every client): ca.crt, the CA that signed the broker (BORDERWATCH_SSL_CAFILE)
#
# It runs once per deployment: when the keystore exists it does nothing. The CA's private
# key never leaves this script's temporary directory, so a new broker certificate means a
# new CA: `docker compose down -v` and start again. Needs only keytool (in the Kafka image).
set -eu

TLS_DIR=${TLS_DIR:-/etc/kafka/secrets}
CA_DIR=${CA_DIR:-/etc/borderwatch/kafka-ca}
BROKER_HOSTS=${BROKER_HOSTS:-kafka,localhost} # the names clients connect to (checked by TLS)
CERT_DAYS=${CERT_DAYS:-825}
KAFKA_USER=${KAFKA_USER:-appuser} # who runs the broker in the apache/kafka image

if [ -s "$TLS_DIR/kafka.keystore.p12" ] && [ -s "$CA_DIR/ca.crt" ]; then
    echo "kafka TLS: keystore and CA exist, nothing to do"
    exit 0
fi

# Eight short JVM runs: start them lean.
kt() {
    keytool -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC "$@"
}

random_secret() {
    tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# keytool reads them from the environment, so they never appear in a command line.
CA_PASSWORD=$(random_secret)
STORE_PASSWORD=$(random_secret)
export CA_PASSWORD STORE_PASSWORD

san=""
for host in $(echo "$BROKER_HOSTS" | tr ',' ' '); do
    san="${san:+$san,}dns:$host"
done
first_host=${BROKER_HOSTS%%,*}

kt -genkeypair -noprompt -alias ca -dname "CN=borderwatch Kafka CA" \
    -keyalg EC -groupname secp256r1 -validity "$CERT_DAYS" \
    -ext bc:c -ext ku:c=keyCertSign,cRLSign \
    -storetype PKCS12 -keystore "$work/ca.p12" -storepass:env CA_PASSWORD
kt -exportcert -rfc -alias ca -keystore "$work/ca.p12" -storepass:env CA_PASSWORD \
    -file "$work/ca.crt"

kt -genkeypair -noprompt -alias kafka -dname "CN=$first_host" \
    -keyalg EC -groupname secp256r1 -validity "$CERT_DAYS" \
    -storetype PKCS12 -keystore "$work/kafka.keystore.p12" -storepass:env STORE_PASSWORD
kt -certreq -alias kafka -keystore "$work/kafka.keystore.p12" \
    -storepass:env STORE_PASSWORD -file "$work/kafka.csr"
kt -gencert -rfc -alias ca -keystore "$work/ca.p12" -storepass:env CA_PASSWORD \
    -validity "$CERT_DAYS" -infile "$work/kafka.csr" -outfile "$work/kafka.crt" \
    -ext "san=$san" -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth
kt -importcert -noprompt -alias ca -file "$work/ca.crt" \
    -keystore "$work/kafka.keystore.p12" -storepass:env STORE_PASSWORD
kt -importcert -noprompt -alias kafka -file "$work/kafka.crt" \
    -keystore "$work/kafka.keystore.p12" -storepass:env STORE_PASSWORD
kt -importcert -noprompt -alias ca -file "$work/ca.crt" \
    -storetype PKCS12 -keystore "$work/kafka.truststore.p12" -storepass:env STORE_PASSWORD

mkdir -p "$TLS_DIR" "$CA_DIR"
# Kafka's DirectoryConfigProvider reads a file whole: no trailing newline.
printf '%s' "$STORE_PASSWORD" >"$TLS_DIR/keystore_password"
random_secret >"$TLS_DIR/admin_password"
cp "$work/kafka.keystore.p12" "$work/kafka.truststore.p12" "$TLS_DIR/"
cp "$work/ca.crt" "$CA_DIR/ca.crt"
chown "$KAFKA_USER" "$TLS_DIR"/kafka.keystore.p12 "$TLS_DIR"/kafka.truststore.p12 \
    "$TLS_DIR"/keystore_password "$TLS_DIR"/admin_password
chmod 0400 "$TLS_DIR"/kafka.keystore.p12 "$TLS_DIR"/kafka.truststore.p12 \
    "$TLS_DIR"/keystore_password "$TLS_DIR"/admin_password
chmod 0444 "$CA_DIR/ca.crt"
echo "kafka TLS: CA and broker keystore made for $BROKER_HOSTS"
