#!/bin/sh
# Capture IKEv2 exchanges between two strongSwan 5.9.8 charon instances in
# network namespaces ikevec-a (initiator, "MAG") and ikevec-b (responder,
# "LMA") joined by a veth pair. Root only; never run by the test suite.
# Usage: capture.sh psk|cert WORKDIR
#   psk : PSK both ways, IKE proposals aes128gcm16-prfsha256-ecp256 and
#         aes256-sha256-modp2048 (the responder takes the first), IDi FQDN,
#         IDr the responder's IPv6 address, vips = :: from a pool; a
#         half-open IKE_SA made first (halfopen.py) makes the responder ask
#         for a COOKIE;
#   cert: ECDSA P-256 certificates (RFC 7427 signature AUTH, CERT, CERTREQ),
#         the responder accepts aes256-sha256-modp2048 only (so the first
#         IKE_SA_INIT draws INVALID_KE_PAYLOAD), IDi a DN, IDr an RFC 822
#         address, a TSr with protocol and ports and an IPv4 TSr.
# Then: CHILD_SA rekey, IKE_SA rekey, CHILD_SA delete, IKE_SA delete.
# Leaves WORKDIR/ike.pcap and WORKDIR/{a,b}/charon.log (ike = 4: keys).
set -eu
MODE=$1
W=$2
A=ikevec-a
B=ikevec-b
mkdir -p "$W"
W=$(cd "$W" && pwd)

cleanup() {
	for d in a b; do
		[ -f "$W/$d/charon.pid" ] && kill "$(cat "$W/$d/charon.pid")" 2>/dev/null || true
	done
	[ -f "$W/tcpdump.pid" ] && kill "$(cat "$W/tcpdump.pid")" 2>/dev/null || true
	sleep 1
	ip netns del $A 2>/dev/null || true
	ip netns del $B 2>/dev/null || true
}
trap cleanup EXIT

ip netns add $A
ip netns add $B
ip link add ikevec-va netns $A type veth peer name ikevec-vb netns $B
ip -n $A link set lo up
ip -n $B link set lo up
ip -n $A addr add 2001:db8:ffff::1/64 dev ikevec-va nodad
ip -n $B addr add 2001:db8:ffff::2/64 dev ikevec-vb nodad
ip -n $A link set ikevec-va up
ip -n $B link set ikevec-vb up

if [ "$MODE" = cert ]; then
	P="$W/pki"
	mkdir -p "$P"
	openssl ecparam -name prime256v1 -genkey -noout -out "$P/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$P/ca.key" -subj "/C=XX/O=pmip/CN=pmip test CA" \
		-days 3650 -out "$P/ca.pem" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	for h in mag:DNS:mag1.example.net lma:email:lma@example.net; do
		n=${h%%:*}; san=${h#*:}
		openssl ecparam -name prime256v1 -genkey -noout -out "$P/$n.key" 2>/dev/null
		openssl req -new -key "$P/$n.key" -subj "/C=XX/O=pmip/CN=$n.example.net" -out "$P/$n.csr"
		printf 'subjectAltName=%s\n' "$san" > "$P/$n.ext"
		openssl x509 -req -in "$P/$n.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
			-CAcreateserial -days 3650 -extfile "$P/$n.ext" -out "$P/$n.pem" 2>/dev/null
	done
fi

conf() { # dir id
	d=$W/$1
	mkdir -p "$d/run" "$d/swanctl/x509ca" "$d/swanctl/x509" "$d/swanctl/private"
	cat > "$d/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce openssl pem pkcs1 pkcs8 pubkey x509 constraints kdf attr resolve kernel-libipsec kernel-netlink socket-default vici
	port = 500
	port_nat_t = 4500
	install_virtual_ip = yes
	retransmit_tries = 3
	cookie_threshold = $COOKIE
	plugins {
		socket-default {
			fwmark = 0x42
		}
		kernel-netlink {
			fwmark = !0x42
		}
		kernel-libipsec {
			allow_peer_ts = yes
		}
		resolve {
			file = $d/resolv.conf
		}
		vici {
			socket = unix://$d/run/charon.vici
		}
	}
	filelog {
		log {
			path = $d/charon.log
			time_format = %s
			default = 1
			ike = 4
			chd = 4
			enc = 2
			net = 2
			cfg = 2
		}
	}
}
EOC
}
# psk: the responder asks for a COOKIE (RFC 7296 2.6) once one half-open
# IKE_SA exists; a lone IKE_SA_INIT sent first (halfopen.py) makes one.
COOKIE=0
conf a
[ "$MODE" = psk ] && COOKIE=1
conf b

if [ "$MODE" = psk ]; then
	cat > "$W/a/swanctl/swanctl.conf" <<'EOC'
connections {
	lma {
		version = 2
		local_addrs = 2001:db8:ffff::1
		remote_addrs = 2001:db8:ffff::2
		proposals = aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048
		vips = ::
		local {
			auth = psk
			id = mag1.example.net
		}
		remote {
			auth = psk
			id = 2001:db8:ffff::2
		}
		children {
			pmip {
				local_ts = dynamic
				remote_ts = 2001:db8:ffff::/64
				esp_proposals = aes128gcm16-ecp256, aes128-sha256-ecp256
				start_action = none
			}
		}
	}
}
secrets {
	ike-lma {
		id-1 = mag1.example.net
		id-2 = 2001:db8:ffff::2
		secret = "pmip-ike-psk-test-vectors"
	}
}
EOC
	cat > "$W/b/swanctl/swanctl.conf" <<'EOC'
connections {
	mag {
		version = 2
		local_addrs = 2001:db8:ffff::2
		proposals = aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048
		pools = v6pool
		local {
			auth = psk
			id = 2001:db8:ffff::2
		}
		remote {
			auth = psk
			id = mag1.example.net
		}
		children {
			pmip {
				local_ts = 2001:db8:ffff::/64
				remote_ts = dynamic
				esp_proposals = aes128gcm16-ecp256, aes128-sha256-ecp256
			}
		}
	}
}
pools {
	v6pool {
		addrs = 2001:db8:aaaa::/120
		dns = 2001:db8:ffff::53
	}
}
secrets {
	ike-mag {
		id-1 = mag1.example.net
		id-2 = 2001:db8:ffff::2
		secret = "pmip-ike-psk-test-vectors"
	}
}
EOC
else
	cp "$W/pki/ca.pem" "$W/a/swanctl/x509ca/"; cp "$W/pki/ca.pem" "$W/b/swanctl/x509ca/"
	cp "$W/pki/mag.pem" "$W/a/swanctl/x509/"; cp "$W/pki/mag.key" "$W/a/swanctl/private/"
	cp "$W/pki/lma.pem" "$W/b/swanctl/x509/"; cp "$W/pki/lma.key" "$W/b/swanctl/private/"
	cat > "$W/a/swanctl/swanctl.conf" <<'EOC'
connections {
	lma {
		version = 2
		local_addrs = 2001:db8:ffff::1
		remote_addrs = 2001:db8:ffff::2
		proposals = aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048
		vips = ::
		local {
			auth = pubkey
			certs = mag.pem
			id = "C=XX, O=pmip, CN=mag.example.net"
		}
		remote {
			auth = pubkey
			id = lma@example.net
		}
		children {
			pmip {
				local_ts = dynamic
				remote_ts = 2001:db8:ffff::2/128[udp/5000-5010], 192.0.2.0/24
				esp_proposals = aes256-sha256-modp2048
				start_action = none
			}
		}
	}
}
EOC
	cat > "$W/b/swanctl/swanctl.conf" <<'EOC'
connections {
	mag {
		version = 2
		local_addrs = 2001:db8:ffff::2
		proposals = aes256-sha256-modp2048
		pools = v6pool
		local {
			auth = pubkey
			certs = lma.pem
			id = lma@example.net
		}
		remote {
			auth = pubkey
			id = "C=XX, O=pmip, CN=mag.example.net"
		}
		children {
			pmip {
				local_ts = 2001:db8:ffff::2/128[udp/5000-5010], 192.0.2.0/24
				remote_ts = dynamic
				esp_proposals = aes256-sha256-modp2048
			}
		}
	}
}
pools {
	v6pool {
		addrs = 2001:db8:aaaa::/120
		dns = 2001:db8:ffff::53
	}
}
EOC
fi

ip netns exec $A tcpdump -i ikevec-va -U -s 0 -w "$W/ike.pcap" udp >"$W/tcpdump.log" 2>&1 &
echo $! > "$W/tcpdump.pid"
sleep 1

for d in a b; do
	ns=$A; [ $d = b ] && ns=$B
	ip netns exec $ns sh -c "mount --bind '$W/$d/run' /run && STRONGSWAN_CONF='$W/$d/strongswan.conf' exec /usr/lib/ipsec/charon" \
		>"$W/$d/charon.out" 2>&1 &
	echo $! > "$W/$d/charon.pid"
done
for d in a b; do
	for i in $(seq 50); do [ -S "$W/$d/run/charon.vici" ] && break; sleep 0.1; done
	SWANCTL_DIR="$W/$d/swanctl" swanctl --load-all --file "$W/$d/swanctl/swanctl.conf" --uri "unix://$W/$d/run/charon.vici"
done
sw() { swanctl "$@" --uri "unix://$W/a/run/charon.vici"; }
if [ "$MODE" = psk ]; then
	ip netns exec $A python3 "$(dirname "$0")/halfopen.py" 2001:db8:ffff::2
	sleep 0.5
fi
sw --initiate --child pmip --timeout 10
sleep 1
sw --rekey --child pmip
sleep 2
sw --rekey --ike lma
sleep 2
sw --list-sas
sw --terminate --child pmip --timeout 10 || true
sleep 1
sw --terminate --ike lma --timeout 10
sleep 1
