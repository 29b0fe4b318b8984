#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layers.sh [ROOT] - check that no file includes a layer above its own.
#
# The layers (docs/ARCHITECTURE.md, "Layers") are a line, not a circle: a
# file may include its own layer and those below it.  This reads every
# `#include "..."` of src/, server/, cli/ and include/ under ROOT (default:
# this checkout), finds the file it names as the compiler does (beside the
# including file, then include/, then src/), and prints each include of a
# higher layer as FILE:LINE with both layers; it also names any file that
# the table below does not place.  Exit 0 when all is well, 1 otherwise.
# `make test` runs it (tests/cli/layers.sh).
#
# The table: layer, its name, then the files in it (`*`: any name within
# one folder).  A public header in include/baton/ is in the layer of the
# module it declares.  A new file goes into the table with its module.
LAYERS='
1 util               src/util/* include/baton/error.h include/baton/buf.h include/baton/json.h include/baton/util.h include/baton/alloc.h
2 the model          src/event.* src/calendar.c include/baton/calendar.h src/csv.* src/config.* src/identity.* src/scrub.* src/records.c src/demo.c include/baton/config.h include/baton/records.h include/baton/demo.h
3 store              src/store/*
4 db and ingest      src/db.* src/migrate.c include/baton/migrate.h src/db_config.c src/esc_db.c src/ingest.* src/ingest_db.c src/dead_letters.c src/erase.c src/retention.c src/profile.c src/review.c src/token.c src/webhook.c include/baton/baton.h include/baton/token.h include/baton/webhook.h
5 engine             src/engine.* src/audit.c src/audit_view.c include/baton/audit.h src/derive.c src/escalate.c src/followup.c src/actions.c src/agenda.c src/initiative.c src/insight.c src/changes.c src/kpi.c src/lists.c src/report.c src/view.* src/view_engine.c include/baton/engine.h include/baton/actions.h include/baton/agenda.h include/baton/initiative.h include/baton/insight.h include/baton/changes.h include/baton/report.h include/baton/view.h
6 live and context   src/live.c src/context.* include/baton/live.h include/baton/context.h
7 server and cli     server/* cli/*
'
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 1
files=$(find src server cli include -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ] || { echo "layers.sh: no sources under $root" >&2; exit 1; }
# shellcheck disable=SC2086 # one word per file: the names have no spaces
printf '%s\n' $files | LAYERS=$LAYERS awk '
# the table: pattern i matches glob[i] (as a regular expression), layer lay[i]
function add_glob(g, l,    r) {
	r = g
	gsub(/\./, "\\.", r)
	gsub(/\*/, "[^/]*", r)
	npat++
	pat[npat] = "^" r "$"
	lay[npat] = l
}
function layer_of(f,    i) {
	for (i = 1; i <= npat; i++)
		if (f ~ pat[i])
			return lay[i]
	return 0
}
# a/b/../c -> a/c, ./a -> a
function normal(p,    n, part, out, k, i) {
	n = split(p, part, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (part[i] == "." || part[i] == "")
			continue
		if (part[i] == ".." && k > 0 && out[k] != "..") {
			k--
			continue
		}
		out[++k] = part[i]
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	return p
}
function dir_of(f) {
	return f ~ /\// ? substr(f, 1, match(f, /\/[^\/]*$/) - 1) : "."
}
function resolve(f, inc,    c) {
	c = normal(dir_of(f) "/" inc)
	if (c in exists) return c
	if (("include/" inc) in exists) return "include/" inc
	if (("src/" inc) in exists) return "src/" inc
	return ""
}
BEGIN {
	n = split(ENVIRON["LAYERS"], line, "\n")
	for (i = 1; i <= n; i++) {
		k = split(line[i], w, " ")
		if (k < 2) continue
		l = w[1] + 0
		name[l] = ""
		for (j = 2; j <= k && w[j] !~ /\//; j++)
			name[l] = name[l] (j > 2 ? " " : "") w[j]
		for (; j <= k; j++)
			add_glob(w[j], l)
	}
	bad = 0
}
{
	exists[$0] = 1
	order[++nfiles] = $0
	next
}
END {
	for (i = 1; i <= nfiles; i++) {
		f = order[i]
		if (!layer_of(f)) {
			printf "%s: in no layer: add it to the table of scripts/layers.sh (and docs/ARCHITECTURE.md)\n", f
			bad = 1
		}
	}
	for (i = 1; i <= nfiles; i++) {
		f = order[i]
		from = layer_of(f)
		ln = 0
		while ((getline text < f) > 0) {
			ln++
			if (text !~ /^[ \t]*#[ \t]*include[ \t]*"/)
				continue
			inc = text
			sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", inc)
			sub(/".*$/, "", inc)
			to_file = resolve(f, inc)
			if (to_file == "") {
				printf "%s:%d: #include \"%s\": no such file in src/, include/ or beside it\n", f, ln, inc
				bad = 1
				continue
			}
			to = layer_of(to_file)
			if (from && to > from) {
				printf "%s:%d: #include \"%s\" (%s) is layer %d (%s), above this file'"'"'s layer %d (%s)\n", f, ln, inc, to_file, to, name[to], from, name[from]
				bad = 1
			}
		}
		close(f)
	}
	exit bad
}
'
