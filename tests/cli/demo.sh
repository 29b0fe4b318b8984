# SPDX-License-Identifier: Apache-2.0
# baton demo: a deterministic history that ends at a given time (now by
# default) with stories half told, and identity at work: merges across
# channels, refused merges kept as conflicts, a late batch of merges that
# re-derives instances.
. "$BATON_ROOT/tests/cli/lib.sh"
END=2026-06-01T00:00:00Z
demo() { "$BATON" demo --customers 2000 --seed 7 "$@"; }

demo --end $END --output a.ndjson
demo --end $END --output b.ndjson
eq "the same seed and end give the same events" "$(cmp a.ndjson b.ndjson && echo same)" same
# (jq reads each line; lines that are not events on purpose are skipped)
last=$(jq -r 'select(.ts | type == "string") | .ts' a.ndjson 2>/dev/null | sort | tail -n 1)
eq "nothing after the end" "$([ "$last" \< "$END" ] || [ "$last" = "$END" ] && echo ok)" ok
eq "... and the history reaches it (the last event within two days of it)" \
	"$(jq -rn --arg l "$last" --arg e "$END" '(($e | fromdateiso8601) - ($l | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) < 172800')" true

# the CRM's nightly batch comes last, with times earlier than events before it
nb=$(awk '{ if ($0 ~ /"type":"account.synced"/) n++; else n = 0 } END { print n }' a.ndjson)
eq "the last events are the CRM's nightly batch (about 10% of 2,000 customers)" "$([ "$nb" -gt 100 ] && echo yes)" yes
head -n $(($(wc -l <a.ndjson) - nb)) a.ndjson >before.ndjson
tail -n "$nb" a.ndjson >batch.ndjson
first=$(jq -r .ts batch.ndjson | sort | head -n 1)
blast=$(jq -r 'select(.ts | type == "string") | .ts' before.ndjson 2>/dev/null | sort | tail -n 1)
eq "... which arrives late: it holds events older than those before it" "$([ "$first" \< "$blast" ] && echo yes)" yes
"$BATON" ingest --db d.db before.ndjson >/dev/null 2>&1
"$BATON" config load --db d.db "$BATON_ROOT/examples/demo.yaml" >/dev/null
s1=$("$BATON" summary --db d.db --json)
k1=$("$BATON" kpis --db d.db --json --as-of $END)
"$BATON" ingest --db d.db batch.ndjson >/dev/null 2>&1
s2=$("$BATON" summary --db d.db --json)
k2=$("$BATON" kpis --db d.db --json --as-of $END)
eq "merges across channels before the batch" "$(echo "$s1" | jq '.merges > 100')" true
eq "a refused merge is kept as a conflict (households sharing a phone)" "$(echo "$s1" | jq '.conflicts > 10')" true
eq "the late batch merges more profiles" "$(jq -n --argjson a "$s1" --argjson b "$s2" '$b.merges > $a.merges and $b.profiles < $a.profiles')" true
eq "... and re-derives their instances: fewer, as split customers become one" \
	"$(jq -n --argjson a "$k1" --argjson b "$k2" '([$b.journeys[].instances] | add) < ([$a.journeys[].instances] | add)')" true

# alive at its end: open instances, promises coming due, owners with a queue
demo --end $END --db live.db >/dev/null
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start live.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
get() { curl -s -H "$H" "$U$1"; }
eq "open instances at the end" "$(get "/v1/kpis?as_of=$END" | jq '[.journeys[].open] | add > 20')" true
eq "promises coming due in the next two days" \
	"$(get "/v1/promises?status=open&as_of=$END" | jq --arg e "$END" '[.promises[] | select(.due > $e and .due < "2026-06-03")] | length > 0')" true
eq "Maria's queue has work" "$(get "/v1/owners/maria/queue?as_of=$END" | jq '.total > 5')" true
eq "Tom's too" "$(get "/v1/owners/tom/queue?as_of=$END" | jq '.total > 5')" true
kill -TERM "$pid"
wait "$pid"

# by default the history ends now
"$BATON" demo --customers 300 --output now.ndjson
last=$(jq -r 'select(.ts | type == "string") | .ts' now.ndjson 2>/dev/null | sort | tail -n 1)
eq "without --end the history ends now (within two days)" \
	"$(jq -rn --arg l "$last" '((now - ($l | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) < 172800) and (($l | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) <= now)')" true
