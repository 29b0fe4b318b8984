#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run.sh - the benchmarks of bench/README.md, side by side in one run
# (`make bench` runs it after building build/baton).
#
#   bench/run.sh [--sizes 100000,1000000] [--quick] [--skip-pg] [--seed S]
#
# For each size it generates an event file with build/bench-gen (bench/gen.c)
# into bench/out/, then times, on that same file:
#   baton kpis --input     raw NDJSON -> identity, journeys, KPIs in memory
#   baton ingest           durable ingest into a fresh SQLite database
#   baton kpis --db        the KPIs from that database
#   duckdb                 the same pipeline in DuckDB SQL (bench/duckdb.mjs)
#   sqlite                 the same pipeline in SQLite SQL (bench/sqlite.sh)
#   postgresql             the same pipeline in PostgreSQL SQL (bench/pg.sh)
# A baton command that does not exist yet, or fails, is skipped with a note.
# Wall time and peak RSS come from GNU time (/usr/bin/time -f '%e %M'); for
# PostgreSQL the time is that of the psql session and the memory is that of
# the largest server process.  Prints a table and writes the same to
# bench/out/results.json; the KPIs each system printed go to
# bench/out/kpis-<system>-<size>.json, logs to bench/out/logs/.
#
# Installs what it needs when it is missing (as root): the Debian packages
# time, sqlite3, postgresql, jq (and nodejs/npm, a C compiler if absent), and
# `npm ci` in bench/ for @duckdb/node-api.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
out=bench/out
sizes=100000,1000000
skip_pg=0
seed=42

usage() {
	sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=${2:?--sizes needs a list like 100000,1000000}; shift ;;
	--sizes=*) sizes=${1#--sizes=} ;;
	--quick) sizes=100000 ;;
	--skip-pg) skip_pg=1 ;;
	--seed) seed=${2:?--seed needs a number}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench/run.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
	esac
	shift
done
case $sizes in *[!0-9,]* | "" | ,* | *, | *,,*)
	echo "bench/run.sh: --sizes wants numbers separated by commas, got '$sizes'" >&2; exit 1 ;;
esac

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------- setup

install_debs() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing Debian packages:$missing (install them with: sudo apt-get install$missing)"
	fi
	say "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

debs="time sqlite3 jq"
[ $skip_pg = 1 ] || debs="$debs postgresql"
command -v cc >/dev/null || debs="$debs build-essential"
command -v node >/dev/null && command -v npm >/dev/null || debs="$debs nodejs npm"
# shellcheck disable=SC2086 # a list of package names
install_debs $debs
[ -x /usr/bin/time ] || die "/usr/bin/time (Debian package 'time') is missing"

if ! (cd bench && node -e "import('@duckdb/node-api').then(() => process.exit(0), () => process.exit(1))" 2>/dev/null); then
	say "installing @duckdb/node-api (npm ci in bench/)"
	(cd bench && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; }) >&2 ||
		die "npm could not install @duckdb/node-api"
	(cd bench && node -e "import('@duckdb/node-api')") || die "@duckdb/node-api does not load"
fi

mkdir -p build "$out/logs"
cc -O2 -std=c11 -Wall -Wextra -include src/util/banned.h -o build/bench-gen bench/gen.c || die "could not build bench/gen.c"
if [ ! -x build/baton ]; then
	say "build/baton is missing: running make"
	make -s all >&2 || say "make failed: the baton rows will be skipped"
fi

# ---------------------------------------------------------------- measuring

rows=$out/rows.jsonl
: >"$rows"

# record SIZE SYSTEM STATUS SECONDS PEAK_KB NOTE [EXTRA_JSON]
record() {
	jq -n -c --argjson n "$1" --arg sys "$2" --arg st "$3" --arg s "$4" --arg k "$5" \
		--arg note "$6" --argjson x "${7:-{\}}" \
		'{size: $n, system: $sys, status: $st,
		  seconds: ($s | if . == "" then null else tonumber end),
		  peak_kb: ($k | if . == "" then null else tonumber end), note: $note} + $x' >>"$rows"
}

# timed LOG CMD... : runs CMD under GNU time; sets t_secs, t_kb, t_rc.
timed() {
	local log=$1 tf
	shift
	tf=$(mktemp)
	/usr/bin/time -f '%e %M' -o "$tf" "$@" 2>"$log"
	t_rc=$?
	read -r t_secs t_kb < <(tail -n 1 "$tf")
	rm -f "$tf"
}

first_error() { grep -v '^\s*$' "$1" | head -n 2 | tr '\n' ' ' | cut -c1-160; }

has_cmd() { build/baton "$1" --help >/dev/null 2>&1; }

IFS=, read -r -a size_list <<<"$sizes"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before the run: $load_start (other work on the machine skews the figures)"

for n in "${size_list[@]}"; do
	file=$out/events-$n.ndjson
	say "--- $n events ---"
	rm -f "$out"/kpis-*-"$n".json "$out/compare-$n.txt" "$out/ingest-$n.json"
	timed "$out/logs/gen-$n.log" sh -c "build/bench-gen --events $n --seed $seed > '$file'"
	[ "$t_rc" = 0 ] || die "bench-gen failed: $(first_error "$out/logs/gen-$n.log")"
	bytes=$(stat -c %s "$file")
	record "$n" bench-gen ok "$t_secs" "$t_kb" "generate the file ($bytes bytes, seed $seed)" \
		"{\"bytes\": $bytes}"
	say "generated $file: $bytes bytes in ${t_secs}s"

	# baton, in memory
	if [ ! -x build/baton ]; then
		record "$n" "baton kpis --input" skipped "" "" "build/baton is missing"
	elif ! has_cmd kpis; then
		record "$n" "baton kpis --input" skipped "" "" "'baton kpis' does not exist yet"
		say "baton kpis --input: skipped ('baton kpis' does not exist yet)"
	else
		say "baton kpis --input ..."
		timed "$out/logs/baton-kpis-input-$n.log" sh -c "build/baton kpis --input '$file' --config bench/config.yaml --json > '$out/kpis-baton-$n.json'"
		if [ "$t_rc" = 0 ]; then
			record "$n" "baton kpis --input" ok "$t_secs" "$t_kb" "in memory"
		else
			record "$n" "baton kpis --input" failed "" "" "exit $t_rc: $(first_error "$out/logs/baton-kpis-input-$n.log")"
			say "baton kpis --input failed (exit $t_rc), see $out/logs/baton-kpis-input-$n.log"
		fi
	fi

	# baton, durable: ingest into a fresh database, then the KPIs from it
	db=$out/baton-$n.db
	if [ -x build/baton ]; then
		rm -f "$db" "$db-wal" "$db-shm" "$db.key"
		say "baton ingest ..."
		timed "$out/logs/baton-ingest-$n.log" sh -c "build/baton ingest --db '$db' --json '$file' > '$out/ingest-$n.json'"
		if [ "$t_rc" = 0 ] || [ "$t_rc" = 2 ]; then
			acc=$(jq -r '.accepted // empty' "$out/ingest-$n.json" 2>/dev/null)
			rej=$(jq -r '.rejected // empty' "$out/ingest-$n.json" 2>/dev/null)
			dbb=$(du -cb "$db" "$db-wal" 2>/dev/null | tail -n 1 | cut -f1)
			record "$n" "baton ingest" ok "$t_secs" "$t_kb" \
				"durable ingest with identity resolution: ${acc:-?} accepted, ${rej:-?} rejected" \
				"{\"accepted\": ${acc:-null}, \"rejected\": ${rej:-null}, \"db_bytes\": ${dbb:-null}}"
			if has_cmd kpis; then
				say "baton kpis --db ..."
				timed "$out/logs/baton-kpis-db-$n.log" sh -c "build/baton kpis --db '$db' --config bench/config.yaml --json > '$out/kpis-baton-db-$n.json'"
				if [ "$t_rc" = 0 ]; then
					record "$n" "baton kpis --db" ok "$t_secs" "$t_kb" "the KPIs from the database"
				else
					record "$n" "baton kpis --db" failed "" "" "exit $t_rc: $(first_error "$out/logs/baton-kpis-db-$n.log")"
				fi
			else
				record "$n" "baton kpis --db" skipped "" "" "'baton kpis' does not exist yet"
			fi
		else
			record "$n" "baton ingest" failed "" "" "exit $t_rc: $(first_error "$out/logs/baton-ingest-$n.log")"
			say "baton ingest failed (exit $t_rc), see $out/logs/baton-ingest-$n.log"
		fi
		rm -f "$db" "$db-wal" "$db-shm" "$db.key"
	else
		record "$n" "baton ingest" skipped "" "" "build/baton is missing"
	fi

	# DuckDB
	say "duckdb ..."
	timed "$out/logs/duckdb-$n.log" node bench/duckdb.mjs "$file" --out "$out/kpis-duckdb-$n.json"
	if [ "$t_rc" = 0 ]; then
		x=$(jq -c '{version, threads, inprocess_seconds: .seconds}' "$out/kpis-duckdb-$n.json")
		record "$n" duckdb ok "$t_secs" "$t_kb" "in memory, $(jq -r .threads <<<"$x") threads; RSS includes node" "$x"
	else
		record "$n" duckdb failed "" "" "exit $t_rc: $(first_error "$out/logs/duckdb-$n.log")"
	fi

	# SQLite
	say "sqlite ..."
	if bench/sqlite.sh "$file" >"$out/kpis-sqlite-$n.json" 2>"$out/logs/sqlite-$n.log"; then
		f=$out/kpis-sqlite-$n.json
		record "$n" sqlite ok "$(jq -r .seconds "$f")" "$(jq -r .peak_kb "$f")" "in memory (:memory:)" \
			"$(jq -c '{version}' "$f")"
	else
		record "$n" sqlite failed "" "" "$(first_error "$out/logs/sqlite-$n.log")"
	fi

	# PostgreSQL
	if [ $skip_pg = 1 ]; then
		record "$n" postgresql skipped "" "" "--skip-pg"
	else
		say "postgresql ..."
		if bench/pg.sh "$file" >"$out/kpis-postgresql-$n.json" 2>"$out/logs/postgresql-$n.log"; then
			f=$out/kpis-postgresql-$n.json
			record "$n" postgresql ok "$(jq -r .seconds "$f")" "$(jq -r .server_peak_kb "$f")" \
				"time of the psql session; memory: largest server process" "$(jq -c '{version}' "$f")"
		else
			record "$n" postgresql failed "" "" "$(first_error "$out/logs/postgresql-$n.log")"
		fi
	fi

	# The three SQL peers must agree on every KPI (rounded to 6 decimals).
	norm='def r: if type == "number" then (. * 1000000 | round) / 1000000 else . end;
	      {kpi_journey, kpi_team, kpi_overall: (.kpi_overall | if type == "array" then .[0] else . end)} | walk(r)'
	ref=""
	agree=true
	for p in duckdb sqlite postgresql; do
		f=$out/kpis-$p-$n.json
		[ -s "$f" ] || continue
		jq -S "$norm" "$f" >"$out/.norm-$p" 2>/dev/null || { agree=false; continue; }
		if [ -z "$ref" ]; then
			ref=$p
		elif ! cmp -s "$out/.norm-$ref" "$out/.norm-$p"; then
			agree=false
			say "WARNING: $p and $ref disagree on the KPIs of $n events (diff $out/kpis-$ref-$n.json $out/kpis-$p-$n.json)"
		fi
	done
	rm -f "$out"/.norm-*
	record "$n" "peers agree" "$agree" "" "" "duckdb, sqlite and postgresql computed the same KPIs"

	# baton against the SQL (bench/compare.sh lists every difference).
	if [ -s "$out/kpis-baton-$n.json" ] && [ -n "$ref" ]; then
		bench/compare.sh "$out/kpis-baton-$n.json" "$out/kpis-$ref-$n.json" >"$out/compare-$n.txt" 2>&1
		record "$n" "baton vs sql" "$(head -n 1 "$out/compare-$n.txt")" "" "" \
			"baton kpis --input against $ref (differences: $out/compare-$n.txt)"
	fi
done

# ------------------------------------------------------------------ results

# shellcheck disable=SC1091 # /etc/os-release
jq -s --arg load "$load_start" --arg seed "$seed" \
	--arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--argjson cores "$(nproc)" --argjson mem_kb "$(awk '/MemTotal/ {print $2}' /proc/meminfo)" \
	--arg os "$(. /etc/os-release && echo "$PRETTY_NAME")" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg rev "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
	def ratio(a; b): if a == null or b == null or b == 0 then null else a / b end;
	def sys(rows; name): (rows | map(select(.system == name and .status == "ok")) | first);
	. as $all
	| [$all[] | .size] | unique | map(. as $n | $all | map(select(.size == $n))) as $by
	| {
	  machine: {cpu: $cpu, cores: $cores, memory_mb: ($mem_kb / 1024 | floor), os: $os,
	            load_average_at_start: $load},
	  date: $date, commit: $rev, seed: ($seed | tonumber),
	  sizes: [$by[] | . as $rows
	    | sys($rows; "baton kpis --input") as $b
	    | sys($rows; "duckdb") as $d
	    | sys($rows; "baton ingest") as $bi
	    | sys($rows; "baton kpis --db") as $bk
	    | {
	      events: $rows[0].size,
	      bytes: (sys($rows; "bench-gen").bytes),
	      generator: (sys($rows; "bench-gen") | {seconds, events_per_s: (if .seconds > 0 then ($rows[0].size / .seconds) else null end)}),
	      peers_agree: ($rows | map(select(.system == "peers agree")) | first | .status == "true"),
	      baton_vs_sql: ($rows | map(select(.system == "baton vs sql")) | first | .status // null),
	      systems: [$rows[] | select(.system != "bench-gen" and .system != "peers agree" and .system != "baton vs sql")
	        | . + {
	          events_per_s: (if .seconds != null and .seconds > 0 then .size / .seconds else null end),
	          peak_mb: (if .peak_kb != null then .peak_kb / 1024 else null end),
	          time_vs_baton: ratio(.seconds; $b.seconds),
	          baton_rss_vs_this: ratio($b.peak_kb; .peak_kb)
	        } | del(.size)],
	      goals: {
	        "kpis_input_speedup_vs_duckdb (goal >= 10)": ratio($d.seconds; $b.seconds),
	        "kpis_input_rss_vs_duckdb (goal <= 0.25)": ratio($b.peak_kb; $d.peak_kb),
	        "durable_speedup_vs_duckdb (goal >= 3)":
	          (if $bi != null and $bk != null then ratio($d.seconds; $bi.seconds + $bk.seconds) else null end),
	        "ingest_events_per_s": (if $bi != null and $bi.seconds > 0 then $rows[0].size / $bi.seconds else null end),
	        "ingest_peak_mb": (if $bi != null then $bi.peak_kb / 1024 else null end)
	      }
	    }]
	}' "$rows" >"$out/results.json" || die "could not build $out/results.json"

# The table.
# shellcheck disable=SC2059 # the format is the second argument
fmt() { if [ "$1" = - ]; then printf '%s' -; else printf "$2" "$1"; fi; }
{
	printf '\n%-10s %-20s %9s %12s %9s %11s %11s  %s\n' events system seconds events/s "peak MB" "time/baton" "baton/RSS" note
	jq -r '.sizes[] | .events as $n | .systems[] |
		[$n, .system, (.seconds // "-"), (.events_per_s // "-"), (.peak_mb // "-"),
		 (.time_vs_baton // "-"), (.baton_rss_vs_this // "-"),
		 (if .status == "ok" then .note else (.status + ": " + .note) end)] | @tsv' "$out/results.json" |
	while IFS=$'\t' read -r n s secs eps mb tr rr note; do
		printf '%-10s %-20s %9s %12s %9s %11s %11s  %s\n' "$n" "$s" "$(fmt "$secs" %.2f)" \
			"$(fmt "$eps" %.0f)" "$(fmt "$mb" %.0f)" "$(fmt "$tr" %.2f)" "$(fmt "$rr" %.3f)" "$note"
	done
	echo
	echo "time/baton = this system's time / 'baton kpis --input' time;" \
		"baton/RSS = 'baton kpis --input' peak RSS / this system's peak RSS."
	jq -r '.sizes[] | "\(.events) events: generator \(.generator.seconds)s (\(.generator.events_per_s // 0 | floor) events/s), \(.bytes) bytes; SQL peers agree: \(.peers_agree); baton and SQL \(.baton_vs_sql // "not compared")"' "$out/results.json"
	jq -r '.sizes[] | .events as $n | .goals | to_entries[] | "\($n) events: \(.key): \(if .value == null then "n/a" else (.value * 1000 | round / 1000) end)"' "$out/results.json"
	echo "results: $out/results.json"
} | tee "$out/results.txt"
