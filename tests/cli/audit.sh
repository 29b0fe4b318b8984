# SPDX-License-Identifier: Apache-2.0
# The data audit end to end (docs/audit.md): baton audit in each format,
# the report's section, the two routes with their period's edges and what
# each role lists.  Worked out by hand:
#   phone        u1..u10 at 10:00..10:09 (support.call)      declared L3
#   web          u1..u9  at 11:00..11:08 (support.view)      declared L2
#   billing-sys  b1 b2 at 12:00 (dispute.update)             declared L1
#   store        s1 at 12:30 (dispute.visit)                 declared L1
# Every event: phone 9/10 linked (90%: L3, agrees), web 9/9 (L3, disagrees
# with L2), billing-sys 0/2 and store 0/1 (L1, agree); one edge, phone-web,
# 9 customers.  Roadmap: billing-sys (2 instances x 1 = 2, rank 1) and
# store (1, rank 2), both crawl: each declares customer_id, as the other
# does, and they share no customer.
# Up to 11:08 (web's u9 left out): phone 8/10, L2 (disagrees), on the
# roadmap, walk (phone shares phone with nobody): 10 instances x 2/10 = 2.
. "$BATON_ROOT/tests/cli/lib.sh"

cat >a.yaml <<'YAML'
teams: [{id: digital}, {id: service}, {id: billing}, {id: retail}]
people:
  - {id: maria, name: Maria, team: billing}
  - {id: tom, name: Tom, team: service}
journeys:
  - {id: dispute, name: Dispute, owner: maria, match: [{types: ["dispute.*"]}]}
  - {id: support, name: Support, owner: tom, match: [{types: ["support.*"]}]}
touchpoints:
  - {id: phone, channel: voice, team: service, technology: CCaaS, shared_identifiers: [phone], declared_level: 3}
  - {id: web, channel: web, team: digital, technology: CMS, shared_identifiers: [email], declared_level: L2}
  - {id: billing-sys, team: billing, shared_identifiers: [customer_id], declared_level: 1}
  - {id: store, channel: store, team: retail, shared_identifiers: [customer_id], declared_level: 1}
YAML
"$BATON" config load --db a.db a.yaml >/dev/null || { notok "config loads"; exit 1; }
{
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ev "p$i" "2026-03-01T10:0$((i - 1)):00Z" phone support.call "{\"user_id\":\"u$i\"}"
	done
	for i in 1 2 3 4 5 6 7 8 9; do
		ev "w$i" "2026-03-01T11:0$((i - 1)):00Z" web support.view "{\"user_id\":\"u$i\"}"
	done
	ev b1 2026-03-01T12:00:00Z billing-sys dispute.update '{"customer_id":"b1"}'
	ev b2 2026-03-01T12:00:00Z billing-sys dispute.update '{"customer_id":"b2"}'
	ev s1 2026-03-01T12:30:00Z store dispute.visit '{"customer_id":"s1"}'
} >ev.ndjson
"$BATON" ingest --db a.db ev.ndjson >/dev/null || { notok "events ingest"; exit 1; }

run "$BATON" audit --db a.db
eq "audit: exits 0" "$rc" 0
contains "audit: phone 9 of 10, L3 as declared" "$out" "phone        service  CCaaS       L3        L3        90% (9/10)"
contains "audit: web L3, declared L2, flagged" "$out" "web          digital  CMS         L2        L3        100% (9/9)     declared != measured"
contains "audit: the flags in a sentence" "$out" "1 source measures at another level than declared: web (declared L2 shared, measured L3 integrated)."
contains "audit: the roadmap, crawl, rank 1" "$out" "crawl  1     billing-sys  2          100%    holds customer_id, as store does; no customer on both"
contains "audit: ... and rank 2" "$out" "crawl  2     store        1          100%    holds customer_id, as billing-sys does; no customer on both"
contains "audit: the silo map's edge" "$out" "phone   web     9"

j=$("$BATON" audit --db a.db --format json)
eq "json: the sources' levels" "$(echo "$j" | jq -c '[.sources.sources[] | [.source, .declared_level, .measured_level, .share.linked, .share.events, .disagrees]]')" \
	'[["phone","L3","L3",9,10,false],["web","L2","L3",9,9,true],["billing-sys","L1","L1",0,2,false],["store","L1","L1",0,1,false]]'
eq "json: the roadmap" "$(echo "$j" | jq -c '[.sources.roadmap[] | [.source, .phase, .rank]]')" '[["billing-sys","crawl",1],["store","crawl",2]]'
eq "json: the silo map" "$(echo "$j" | jq -c '.silo_map.edges')" '[{"a":"phone","b":"web","profiles":9}]'
eq "json: scores exact" "$(echo "$j" | jq -c '[.sources.sources[] | .score]')" '[1,0,2,1]'

j=$("$BATON" audit --db a.db --format json --to 2026-03-01T11:08:00Z)
eq "up to 11:08 (u9's web event at 11:08 is out): phone 8 of 10, L2, walk" \
	"$(echo "$j" | jq -c '[.sources.sources[0] | .measured_level, .share.linked, .disagrees, .phase, .rank, .score]')" '["L2",8,true,"walk",1,2]'
eq "... billing-sys and store have no event: unknown, off the roadmap" \
	"$(echo "$j" | jq -c '[.sources.sources[2,3] | [.measured_level, .phase, .rank]]')" '[[null,null,null],[null,null,null]]'
j=$("$BATON" audit --db a.db --format json --to 2026-03-01T11:08:01Z)
eq "up to a second later: 9 of 10, L3" "$(echo "$j" | jq -c '.sources.sources[0].measured_level')" '"L3"'

run "$BATON" audit --db a.db --format md -o a.md
eq "md: exits 0, nothing on standard output" "$rc.$out" "0."
contains "md: a table" "$(cat a.md)" "| web | digital | CMS | L2 | L3 | 100% (9/9) | declared != measured |"
"$BATON" audit --db a.db --format html -o a.html
contains "html: a page with tables" "$(cat a.html)" "<tr><td>web</td><td>digital</td><td>CMS</td><td>L2</td><td>L3</td>"
contains "report: a data audit section" "$("$BATON" report --db a.db)" "## Data audit"

run "$BATON" audit --db a.db --format csv
eq "a format that is not one: exit 1" "$rc" 1
contains "... saying which" "$err" "--format must be text, md, html or json, not 'csv'"
run "$BATON" audit --db a.db --from 2026-03-02 --to 2026-03-01
eq "an empty period: exit 1" "$rc" 1

command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start a.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
tok() { "$BATON" token create --db a.db "$@" | tail -n 1; }
T_maria=$(tok --role owner --person maria)
T_tom=$(tok --role owner --person tom)
T_billing=$(tok --role team --team billing)
get() { curl -s -H "$H" "$U$1"; }
AS=as_of=2026-03-02
eq "API: the sources as the CLI" "$(get "/v1/audit/sources?$AS" | jq -c '[.sources[] | [.source, .measured_level]]')" \
	'[["phone","L3"],["web","L3"],["billing-sys","L1"],["store","L1"]]'
for t in 2026-03-01T11:07:59Z:8:L2 2026-03-01T11:08:00Z:8:L2 2026-03-01T11:08:01Z:9:L3; do
	to=${t%%Z:*}Z rest=${t#*Z:}
	eq "API: up to $to phone has ${rest%%:*} linked, ${rest#*:}" \
		"$(get "/v1/audit/sources?$AS&to=$to" | jq -r '.sources[0] | "\(.share.linked):\(.measured_level)"')" "$rest"
done
eq "API: from 10:01 phone has 9 events (u2..u10), 8 linked" "$(get "/v1/audit/sources?$AS&from=2026-03-01T10:01:00Z" | jq -r '.sources[0] | "\(.share.linked)/\(.share.events)"')" "8/9"
eq "API: the silo map" "$(get "/v1/audit/silo-map?$AS" | jq -c '[.nodes[] | [.source, .events, .profiles]], .edges')" \
	'[["phone",10,10],["web",9,9],["billing-sys",2,2],["store",1,1]]
[{"a":"phone","b":"web","profiles":9}]'
eq "API: a bad time is refused, named" "$(get "/v1/audit/silo-map?to=soon" | jq -r .detail)" "query parameter to: 'soon' is not a time (RFC 3339, or a date like 2026-03-01)"
aget() { curl -s -H "Authorization: Bearer $1" "$U$2"; }
eq "maria: the sources on her disputes; store's partner is hers too" \
	"$(aget "$T_maria" "/v1/audit/sources?$AS" | jq -c '[.sources[] | [.source, .rank, .quick_win.with]]')" '[["billing-sys",1,"store"],["store",2,"billing-sys"]]'
eq "tom: the sources on his support instances, and their edge" \
	"$(aget "$T_tom" "/v1/audit/silo-map?$AS" | jq -c '[[.nodes[].source], .edges]')" '[["phone","web"],[{"a":"phone","b":"web","profiles":9}]]'
eq "the billing team: its touchpoint alone, its partner not named" \
	"$(aget "$T_billing" "/v1/audit/sources?$AS" | jq -c '[.sources[] | [.source, .phase, .quick_win]]')" '[["billing-sys","crawl",{"kind":"customer_id","with":null}]]'
kill -TERM "$pid"
wait "$pid"
