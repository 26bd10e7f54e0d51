#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine (as root):
# install what is needed, build, run the lab demonstration, tear it down.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
"$REPO/scripts/setup.sh"
exec "$REPO/scripts/lab.sh" demo
