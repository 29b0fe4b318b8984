#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# web.sh OUT - build the dashboard (web/) into OUT for the binary to embed
# (scripts/embed.c) or `baton serve --web-dir OUT` to serve.
#
# The front end's tools come from npm, pinned by web/package-lock.json:
# `npm ci` runs when node_modules is missing or older than the lock, then
# web/build.mjs bundles the pages into OUT (index.html and assets/ named by
# their content's hash).  Without web/ there is nothing to build: OUT is
# left empty and baton says at / that its dashboard was not built in.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
case $out in /*) ;; *) out="$PWD/$out" ;; esac
rm -rf "$out"
mkdir -p "$out"
[ -f "$root/web/package.json" ] || exit 0
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	echo "web.sh: Node.js and npm are needed to build the dashboard (scripts/deps.sh installs them)" >&2
	exit 1
fi
cd "$root/web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
node build.mjs "$out"
[ -f "$out/index.html" ] || { echo "web.sh: web/build.mjs wrote no index.html into $out" >&2; exit 1; }
