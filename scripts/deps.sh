#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages baton needs to build and test, skipping those
# already present.  Runs as root (apt-get) or tells the user what to install.
set -eu

need="build-essential pkg-config libsqlite3-dev sqlite3 libyaml-dev libsodium-dev libcmocka-dev libmicrohttpd-dev zlib1g-dev libutf8proc-dev libcurl4-openssl-dev libpq-dev postgresql jq curl chromium"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# Chromium runs the dashboard's browser tests (tests/cli/dashboard.sh).
# Node.js runs the real Segment SDK in the tests and builds the dashboard;
# any Node >= 18 will do
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "baton: missing Debian packages:$missing" >&2
	echo "baton: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "baton: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
