#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# compare.sh - compare baton's KPIs with those of the SQL pipeline.
#
#   bench/compare.sh BATON.json SQL.json
#
# BATON.json: the output of `baton kpis --json` (journeys[], teams[],
# overall); SQL.json: the output of a SQL peer (bench/duckdb.mjs,
# bench/sqlite.sh or bench/pg.sh: kpi_journey[], kpi_team[], kpi_overall).
# Every KPI the SQL computes is compared with baton's value of the same name
# (numbers within a relative 1e-4, since baton rounds to 6 digits).  Prints
# "agree: N of M" and one line per difference; exits 1 when any differ.
set -euo pipefail
[ $# = 2 ] || { echo "usage: bench/compare.sh BATON.json SQL.json" >&2; exit 2; }
jq -r -n --slurpfile b "$1" --slurpfile s "$2" '
	def close(a; b): (a == b) or
		((a | type) == "number" and (b | type) == "number" and
		 ((a - b) | fabs) <= 1e-4 * ([1, (a | fabs), (b | fabs)] | max));
	$b[0] as $B | $s[0] as $S
	| [ ($S.kpi_journey[] as $r | ($B.journeys | map(select(.journey == $r.journey)) | first // {}) as $x
	      | $r | to_entries[] | select(.key != "journey")
	      | {where: "journey \($r.journey)", field: .key, sql: .value, baton: $x[.key]}),
	    ($S.kpi_team[] as $r | ($B.teams | map(select(.team == $r.team)) | first // {}) as $x
	      | $r | to_entries[] | select(.key != "team")
	      | {where: "team \($r.team)", field: .key, sql: .value, baton: $x[.key]}),
	    (($S.kpi_overall | if type == "array" then .[0] else . end) as $r | ($B.overall // {}) as $x
	      | $r | to_entries[] | . as $e | select($x | has($e.key))
	      | {where: "overall", field: .key, sql: .value, baton: $x[.key]}) ]
	| (map(select(close(.sql; .baton) | not))) as $diff
	| "agree: \(length - ($diff | length)) of \(length)",
	  ($diff[] | "  \(.where): \(.field): baton \(.baton) sql \(.sql)"),
	  (if ($diff | length) > 0 then ("" | halt_error(1)) else empty end)'
