# shellcheck shell=bash
# strongSwan charon instances for lab tests (tests/lab/test_esp_strongswan.sh).
#
# Each instance lives in a private directory DIR: its strongswan.conf and
# swanctl.conf (rendered from tests/lab/strongswan/*.in), its log, and DIR/run,
# which is bind-mounted on /run in the instance's own mount namespace (charon
# writes /var/run/charon.pid, so two instances in one mount namespace clash).
# `ip netns exec` gives every command a mount namespace of its own, so the bind
# mount goes away with the charon process. swanctl reaches an instance through
# DIR/run/charon.vici from anywhere (the verb comes before --uri).
#
#   sw_start DIR NS KEY=VALUE...   render the templates (@KEY@ -> VALUE), start
#                                  charon in namespace NS, load swanctl.conf
#   sw_ctl DIR --verb [ARGS...]    swanctl against that instance
#   sw_stop DIR                    SIGTERM, then SIGKILL after 5 s
#   sw_stop_all                    every instance this shell started
#   sw_child_keys DIR              the newest CHILD_SA's keys, from the log
#   sw_child_sa DIR                its SPIs, ports and byte/packet counters
#
# Needs root (network namespaces, mounts) and strongSwan 5.9.8 (packages
# strongswan-charon, strongswan-swanctl, libcharon-extra-plugins for
# kernel-libipsec); see /work/shared/PEERS.md for why the settings are so.

SW_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SW_TEMPLATES=${SW_TEMPLATES:-$SW_REPO/tests/lab/strongswan}
SW_CHARON=${SW_CHARON:-/usr/lib/ipsec/charon}
SW_INSTANCES=()

sw_log() { printf '[strongswan] %s\n' "$*" >&2; }

# Fill in @KEY@ placeholders; fail if one is left (a template/caller mismatch).
sw_render() { # template out KEY=VALUE...
	local tmpl=$1 out=$2 kv text left
	shift 2
	text=$(<"$tmpl") || return 1
	for kv in "$@"; do
		text=${text//@${kv%%=*}@/${kv#*=}}
	done
	left=$(grep -o '@[A-Z_]*@' <<<"$text" | sort -u | tr '\n' ' ')
	if [ -n "$left" ]; then
		sw_log "$tmpl: no value for $left"
		return 1
	fi
	# The PSK is in swanctl.conf: readable by root only.
	(umask 077 && printf '%s\n' "$text" >"$out")
}

sw_uri() { echo "unix://$1/run/charon.vici"; }

sw_ctl() { # dir --verb [args...]
	local dir=$1
	shift
	swanctl "$@" --uri "$(sw_uri "$dir")"
}

sw_pid() { cat "$1/charon.pid.ours" 2>/dev/null; }

sw_start() { # dir ns KEY=VALUE...
	local dir=$1 ns=$2 i pid
	shift 2
	mkdir -p "$dir/run" && chmod 700 "$dir" "$dir/run" || return 1
	sw_render "$SW_TEMPLATES/strongswan.conf.in" "$dir/strongswan.conf" "DIR=$dir" &&
		sw_render "$SW_TEMPLATES/swanctl.conf.in" "$dir/swanctl.conf" "$@" || return 1
	ip netns exec "$ns" sh -c 'mount --bind "$1/run" /run && STRONGSWAN_CONF="$1/strongswan.conf" exec "$2"' \
		sw-charon "$dir" "$SW_CHARON" >"$dir/charon.out" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/charon.pid.ours"
	SW_INSTANCES+=("$dir")
	for ((i = 0; i < 100; i++)); do
		[ -S "$dir/run/charon.vici" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			sw_log "charon in $ns exited at start:"
			tail -n 20 "$dir/charon.out" "$dir/charon.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	[ -S "$dir/run/charon.vici" ] || { sw_log "charon in $ns: no vici socket after 10 s"; return 1; }
	sw_ctl "$dir" --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1 || {
		sw_log "swanctl --load-all in $ns failed:"
		cat "$dir/load.out" >&2
		return 1
	}
	sw_log "charon pid $pid running in $ns ($dir)"
}

sw_stop() { # dir
	local dir=$1 pid i d keep=()
	for d in "${SW_INSTANCES[@]}"; do [ "$d" = "$dir" ] || keep+=("$d"); done
	SW_INSTANCES=("${keep[@]}")
	pid=$(sw_pid "$dir")
	rm -f "$dir/charon.pid.ours"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	sw_log "charon pid $pid ignored SIGTERM for 5 s: killing"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

sw_stop_all() {
	local d
	for d in "${SW_INSTANCES[@]}"; do sw_stop "$d"; done
}

# The newest CHILD_SA's keys as charon logged them at level chd=4
# ("encryption initiator key => 20 bytes @ 0x..." and a hex dump), printed as
# "encr_i=HEX integ_i=HEX encr_r=HEX integ_r=HEX" (integrity keys empty for
# AEAD). Initiator keys protect initiator -> responder traffic (RFC 7296 2.17).
sw_child_keys() { # dir
	python3 - "$1/charon.log" <<'PY'
import re, sys
keys, cur = {}, None
want = {"encryption initiator key": "encr_i", "encryption responder key": "encr_r",
        "integrity initiator key": "integ_i", "integrity responder key": "integ_r"}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"\[CHD\] (encryption|integrity) (initiator|responder) key => (\d+) bytes", line)
    if m:
        name = want[f"{m.group(1)} {m.group(2)} key"]
        if name == "encr_i":  # a new CHILD_SA's keys start here
            keys = {}
        keys[name] = ""
        cur, need = name, int(m.group(3))
        if need == 0:
            cur = None
        continue
    if cur is not None:
        d = re.search(r"\[CHD\]\s+[0-9]+: ((?:[0-9A-Fa-f]{2} ){1,16})", line)
        if not d:
            cur = None
            continue
        keys[cur] += d.group(1).replace(" ", "").lower()
        if len(keys[cur]) >= 2 * need:
            cur = None
if "encr_i" not in keys or "encr_r" not in keys:
    sys.exit("no CHILD_SA keys in " + sys.argv[1])
print(" ".join(f"{k}={keys.get(k, '')}" for k in ("encr_i", "integ_i", "encr_r", "integ_r")))
PY
}

# The instance's installed CHILD_SA as "key=value ..." from swanctl --list-sas
# --raw: spi_in spi_out (hex, no 0x), encr_alg, integ_alg, local_port,
# remote_port, local_ts, remote_ts, bytes_in, packets_in, bytes_out,
# packets_out, encap.
sw_child_sa() { # dir
	sw_ctl "$1" --list-sas --raw | python3 -c '
import re, sys
raw = sys.stdin.read()
def field(name, text):
    m = re.search(r"\b%s=([^ {}]+)" % re.escape(name), text)
    return m.group(1) if m else ""
def listfield(name, text):
    m = re.search(r"\b%s=\[([^\]]*)\]" % re.escape(name), text)
    return m.group(1).strip().replace(" ", ",") if m else ""
ike = raw
child = raw[raw.find("child-sas") :] if "child-sas" in raw else ""
if not child:
    sys.exit("no CHILD_SA")
out = {
    "local_port": field("local-port", ike), "remote_port": field("remote-port", ike),
    "spi_in": field("spi-in", child), "spi_out": field("spi-out", child),
    "encr_alg": field("encr-alg", child), "integ_alg": field("integ-alg", child),
    "encap": field("encap", child) or "no",
    "bytes_in": field("bytes-in", child), "packets_in": field("packets-in", child),
    "bytes_out": field("bytes-out", child), "packets_out": field("packets-out", child),
    "local_ts": listfield("local-ts", child), "remote_ts": listfield("remote-ts", child),
}
print(" ".join(f"{k}={v}" for k, v in out.items()))'
}
