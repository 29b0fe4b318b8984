# SPDX-License-Identifier: Apache-2.0
# The time slice of a connection's thread (server/http.c, time_slice): a
# quick request (health, the context call) asks the kernel for a 0.1 ms
# slice, and an ingest request on the same connection gives it back.
# Read from /proc/PID/task/*/sched; kernels before Linux 6.12 keep one
# slice for all and are skipped.  Needs bash (for /dev/tcp).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
kernel=$(uname -r | awk -F. '{print $1 * 1000 + $2}')
if [ "$kernel" -lt 6012 ] || ! grep -q '^se.slice' /proc/self/sched 2>/dev/null; then
	echo "skip - this kernel ($(uname -r)) has no time slice per thread"
	exit 0
fi

serve_start slice.db --quiet || { notok "server starts"; exit 1; }
token=$(grep '^bt_' serve.out)
default=$(sed -n 's/^se.slice *: *//p' "/proc/$pid/sched")

# the slices of the server's connection threads (one connection is open)
slices() {
	for t in /proc/"$pid"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = MHD-connection ] &&
			sed -n 's/^se.slice *: *//p' "$t/sched"
	done
}
# one request on the open connection (fd 3); prints the status
request() { # method path [body]
	body=${3:-}
	printf '%s %s HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
		"$1" "$2" "$token" "${#body}" "$body" >&3
	IFS=' ' read -r -t 5 _ status _ <&3
	len=0
	while IFS= read -r -t 5 line <&3; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		case "$line" in [Cc]ontent-[Ll]ength:*) len=${line#*: } ;; esac
	done
	[ "$len" -gt 0 ] && read -r -t 5 -N "$len" _ <&3
	echo "$status"
}

# the connection of serve_start's health check may still be winding down
for _ in $(seq 50); do [ -z "$(slices)" ] && break; sleep 0.05; done
exec 3<>"/dev/tcp/127.0.0.1/$port"
eq "health on a kept-alive connection" "$(request GET /healthz)" 200
eq "... is served on a 0.1 ms slice" "$(slices)" 100000
ev='{"id":"s1","ts":"2026-03-01T10:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"u1"}}'
eq "an ingest on the same connection" "$(request POST /v1/events "$ev")" 200
eq "... gives the default slice back" "$(slices)" "$default"
eq "the context call" "$(request GET /v1/context/user_id:u1)" 200
eq "... is quick again" "$(slices)" 100000
exec 3>&-

kill -TERM "$pid"
wait "$pid"
eq "the server stops cleanly" "$?" 0
