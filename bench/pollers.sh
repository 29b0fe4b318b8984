#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Twenty people with the dashboard open (issue #12: a dashboard polled by 20
# people must not keep a core busy): 20 clients each ask for an owner's
# queue and the KPIs of the period once a second for SECS seconds, on
# bench/dashboard.sh's database (1M events), side by side:
#   shared  - as the dashboard asks: judged now (no as_of), so requests in
#             the same second share one derivation;
#   apart   - each request judged at a time of its own (as_of one second
#             apart per client), so that each costs a derivation: what
#             every request cost before derivations were shared.
# For each: the server's CPU time over the run (from /proc: user + system)
# as a share of one core, and the clients' latency (p50, p99).  Writes
# bench/out/pollers.txt and the table into bench/README.md (between the
# pollers-bench markers).
#   bench/pollers.sh [clients=20] [secs=20]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
export BATON_ROOT="$root"
. tests/cli/lib.sh
clients=${1:-20} secs=${2:-20}
[ -s bench/out/dashboard.db ] || bench/dashboard.sh >/dev/null || exit 1
make -s all >/dev/null || exit 1
cd bench/out || exit 1
rm -f serve.out serve.log
BATON="$root/build/baton"
serve_start dashboard.db --quiet --rate 0 || exit 1
token=$("$BATON" token create --db dashboard.db --role admin --name pollers | tail -n 1)
person=$(curl -s -H "Authorization: Bearer $token" "$U/v1/journeys" | jq -r '[.journeys[].owner | select(.)][0]')
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# one client: every second, the queue and the KPIs; $1 its number, $2 the mode
client() {
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -lt "$end" ]; do
		at=""
		[ "$2" = apart ] && at="&as_of=$(date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ)"
		curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$U/v1/owners/$person/queue?limit=100$at"
		curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$U/v1/kpis?from=2025-12-04&to=2026-01-01$at"
		sleep 1
	done >"lat-$2-$1.txt"
}

run() { # run MODE: prints one row of the table
	rm -f lat-"$1"-*.txt
	c0=$(cpu)
	i=0
	while [ "$i" -lt "$clients" ]; do
		client "$i" "$1" &
		i=$((i + 1))
	done
	wait
	c1=$(cpu)
	cat lat-"$1"-*.txt | sort -n | awk -v mode="$1" -v cpu="$(((c1 - c0)))" -v hz="$hz" -v secs="$secs" '
		{ v[NR] = $1 }
		END { printf "| %s | %d | %.0f%% | %.0f ms | %.0f ms |\n", mode, NR, 100 * cpu / hz / secs,
			1000 * v[int(NR * 0.5) + 1], 1000 * v[int(NR * 0.99) + 1] }'
}

{
	echo "| requests judged | requests | server CPU (share of one core) | p50 | p99 |"
	echo "|---|---:|---:|---:|---:|"
	run shared
	run apart
} | tee pollers.txt
kill -TERM "$pid"
wait "$pid"
rm -f lat-*.txt
cd "$root" || exit 1
{
	echo "<!-- pollers-bench -->"
	echo "\`bench/pollers.sh $clients $secs\` on $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD):"
	echo
	cat bench/out/pollers.txt
	echo "<!-- /pollers-bench -->"
} >bench/out/pollers.md
if grep -q '<!-- pollers-bench -->' bench/README.md; then
	awk -v f=bench/out/pollers.md '
		/<!-- pollers-bench -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
		/<!-- \/pollers-bench -->/ { skip = 0; next }
		!skip' bench/README.md >bench/out/README.md && mv bench/out/README.md bench/README.md
fi
