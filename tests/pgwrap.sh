#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# pgwrap.sh - run baton with its SQLite databases swapped for PostgreSQL
# ones, so that the CLI and API tests written against SQLite paths run
# unchanged against the PostgreSQL store (tests/run.sh, BATON_TEST_BACKEND=
# postgres; docs/storage.md).
#
# Every database path of the command line (--db PATH, --db=PATH) and
# BATON_DB, when the command line names none, become a database of the throw-away server in
# $BATON_TEST_PG_DIR.  The path itself holds a marker line naming that
# database, so that what a test does to the file does the same to the data:
#
#   - no file at PATH (never made, or removed): a new, empty database;
#   - the marker of PATH's own database: that database;
#   - the marker of another one (cp or mv of a database file): a copy of
#     that database, made now;
#   - anything else (a test's own bytes, a real SQLite file): the path is
#     left as it is, for SQLite.
#
# (sqlite:PATH is PATH.)  Then it execs the real binary ($BATON_REAL), so that the process the test
# starts is baton itself (its pid, its signals).
set -eu
real=${BATON_REAL:?BATON_REAL is the baton binary}
dir=${BATON_TEST_PG_DIR:?BATON_TEST_PG_DIR is the PostgreSQL of tests/pg.sh}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
tag="baton-test-postgres"

sql() { # SQL: as the superuser, on the maintenance database
	PGOPTIONS="-c client_min_messages=warning" \
		"$bin/psql" -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$1" >/dev/null
}

uri() { # PATH: prints the URI for PATH, or PATH itself (see above)
	case $1 in
	postgres://* | postgresql://* | "" | :memory: | sqlite:) echo "$1"; return ;;
	sqlite:*) p=${1#sqlite:} ;;
	*) p=$1 ;;
	esac
	case $p in
	/*) ;;
	*) p=$PWD/$p ;;
	esac
	name=t_$(printf '%s' "$p" | md5sum | cut -c 1-24)
	if [ -e "$p" ]; then
		line=$(head -c 100 "$p" 2>/dev/null | head -n 1) || line=
		case $line in
		"$tag $name") ;;
		"$tag "*)
			from=${line#"$tag "}
			sql "DROP DATABASE IF EXISTS $name WITH (FORCE)"
			sql "CREATE DATABASE $name OWNER baton TEMPLATE $from"
			echo "$tag $name" >"$p"
			;;
		*) echo "$1"; return ;;
		esac
	else
		[ -d "$(dirname "$p")" ] || { echo "$1"; return; }
		sql "DROP DATABASE IF EXISTS $name WITH (FORCE)"
		sql "CREATE DATABASE $name OWNER baton"
		echo "$tag $name" >"$p" 2>/dev/null || { echo "$1"; return; }
	fi
	echo "postgresql://baton@/$name?host=$dir"
}

# For the tests' helpers (tests/cli/lib.sh): --uri PATH prints PATH's URI;
# --copy FROM TO makes TO's database a copy of FROM's now (cp of a file).
case ${1:-} in
--uri) uri "$2"; exit 0 ;;
--copy)
	from=$(uri "$2")
	to=$(uri "$3")
	from=${from#*@/} to=${to#*@/}
	sql "DROP DATABASE IF EXISTS ${to%%\?*} WITH (FORCE)"
	sql "CREATE DATABASE ${to%%\?*} OWNER baton TEMPLATE ${from%%\?*}"
	exit 0
	;;
esac

# the arguments, with each database path replaced
n=$#
map=0
dbarg=0
for a in "$@"; do
	if [ "$map" = 1 ]; then
		a=$(uri "$a")
		map=0
	else
		case $a in
		--db) map=1 dbarg=1 ;;
		--db=*) a=--db=$(uri "${a#--db=}") dbarg=1 ;;
		esac
	fi
	set -- "$@" "$a"
done
shift "$n"
if [ "$dbarg" = 0 ] && [ -n "${BATON_DB:-}" ]; then
	BATON_DB=$(uri "$BATON_DB")
	export BATON_DB
fi
exec "$real" "$@"
