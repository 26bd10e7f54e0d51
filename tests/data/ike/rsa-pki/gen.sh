#!/bin/sh
# Test-only RSA PKI for the IKEv2 engine tests (RFC 7427 with RSA):
# a CA and two end entities with the identities of the ECDSA set in
# ../crypto/pki (mag1.example.net, lma@example.net). Never deploy these keys.
set -eu
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
	-subj "/C=XX/O=pmip/CN=pmip test RSA CA" 2>/dev/null
for who in mag:DNS:mag1.example.net lma:email:lma@example.net; do
	n=${who%%:*} san=${who#*:}
	openssl req -newkey rsa:2048 -nodes -keyout "$n.key" -out "$n.csr" \
		-subj "/C=XX/O=pmip/CN=$n.example.net" 2>/dev/null
	printf 'subjectAltName=%s\n' "$san" >"$n.ext"
	openssl x509 -req -in "$n.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
		-extfile "$n.ext" -out "$n.pem" 2>/dev/null
	rm -f "$n.csr" "$n.ext"
done
rm -f ca.key ca.srl
