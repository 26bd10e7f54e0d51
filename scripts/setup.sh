#!/usr/bin/env bash
# Install everything the gateway needs to build, test and run its lab on
# Debian 12, then build it. Idempotent: only missing packages are installed.
#
#   scripts/setup.sh            packages + build/ (normal build)
#   scripts/setup.sh --no-build packages only
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
	# build
	gcc clang libclang-rt-14-dev meson ninja-build pkg-config make
	# libraries
	libdpdk-dev liburcu-dev libinih-dev libssl-dev libc-ares-dev libcriterion-dev
	# DPDK runtime and tools (testpmd, dpdk-telemetry.py), example sources
	dpdk dpdk-dev dpdk-doc
	# lab and tests
	iproute2 iputils-ping ethtool procps python3 tshark tcpdump openssl util-linux
	# the pktgen scripts' test (a stand-in of pktgen's Lua API)
	lua5.4
	# peers: strongSwan's charon with userspace ESP (kernel-libipsec), swanctl
	strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" != --no-build ]; then
	if [ ! -f "$REPO/build/build.ninja" ]; then
		meson setup "$REPO/build" "$REPO" >/dev/null
	fi
	ninja -C "$REPO/build"
fi
