#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# pg.sh - a throw-away PostgreSQL for the tests (docs/storage.md).
#
#   tests/pg.sh start          start one; prints its directory
#   tests/pg.sh newdb DIR NAME make database NAME, owned by the role baton
#                              (no superuser); prints its postgres:// URI
#   tests/pg.sh restart DIR    restart it (its clients lose their connections)
#   tests/pg.sh stop DIR       stop it and remove DIR
#   tests/pg.sh run CMD...     start one, run CMD with BATON_TEST_PG_DIR set
#                              to it, stop it; CMD's exit status
#
# As bench/pg.sh: initdb in a temporary directory, the server run as
# 'nobody' when root (PostgreSQL refuses root), its Unix socket in that
# directory and no TCP.  PostgreSQL is installed by scripts/deps.sh.  When
# it cannot be started, start fails with a line saying why, and run runs
# CMD without BATON_TEST_PG_DIR (the tests that need it then skip).
set -eu

bindir() {
	# shellcheck disable=SC2012 # the directory names are version numbers
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_user() { # DIR CMD...
	d=$1; shift
	if [ "$(id -u)" = 0 ]; then runuser -u "$(stat -c %U "$d")" -- "$@"; else "$@"; fi
}

start() {
	bin=$(bindir)
	[ -n "$bin" ] && [ -x "$bin/postgres" ] || { echo "pg.sh: no PostgreSQL server in /usr/lib/postgresql (scripts/deps.sh installs it)" >&2; return 1; }
	dir=$(mktemp -d /tmp/baton-test-pg.XXXXXX)
	chmod 755 "$dir"
	[ "$(id -u)" != 0 ] || chown nobody "$dir"
	if ! (cd "$dir" && as_user "$dir" "$bin/initdb" -D "$dir/data" --auth=trust --locale=C \
		--encoding=UTF8 -U postgres >"$dir/initdb.log" 2>&1); then
		cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
	fi
	if ! (cd "$dir" && as_user "$dir" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-k $dir -c listen_addresses= -c fsync=on -c synchronous_commit=on" start >/dev/null 2>&1); then
		cat "$dir/server.log" >&2 2>/dev/null; rm -rf "$dir"; return 1
	fi
	"$bin/psql" -X -q -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE baton LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" >/dev/null
	echo "$dir"
}

newdb() { # DIR NAME
	"$(bindir)/psql" -X -q -h "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE DATABASE \"$2\" OWNER baton" >/dev/null
	echo "postgresql://baton@/$2?host=$1"
}

stop() { # DIR
	[ -d "$1/data" ] && (cd "$1" && as_user "$1" "$(bindir)/pg_ctl" -D "$1/data" stop -m fast -w) >/dev/null 2>&1 || true
	rm -rf "$1"
}

restart() { # DIR
	(cd "$1" && as_user "$1" "$(bindir)/pg_ctl" -D "$1/data" restart -m fast -w >/dev/null)
}

case ${1:-} in
start) start ;;
restart) restart "$2" ;;
newdb) newdb "$2" "$3" ;;
stop) stop "$2" ;;
run)
	shift
	if dir=$(start); then
		trap 'stop "$dir"' EXIT INT TERM
		rc=0
		BATON_TEST_PG_DIR=$dir "$@" || rc=$?
		exit $rc
	fi
	echo "pg.sh: PostgreSQL could not be started: the tests on it skip" >&2
	exec "$@"
	;;
*) echo "usage: tests/pg.sh start | newdb DIR NAME | restart DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
