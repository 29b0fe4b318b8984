# SPDX-License-Identifier: Apache-2.0
# The dashboard's side of `baton serve` (docs/dashboard.md) over real HTTP:
# its files (--web-dir, and those built in), caching and gzip, the page for
# any path asked for as HTML, signing in and out with a session cookie, the
# CSRF rule for changes made with it, a revoked token ending its sessions,
# and the weekly trend of the KPIs the overview draws, with the weeks'
# edges worked out by hand.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

# ---- a trend worked out by hand ----
# to = 2026-03-01T00:00:00Z; six customers each open one instance of j:
#   a 2026-02-14T23:59:59Z   before week 1 (one second before it starts)
#   b 2026-02-15T00:00:00Z   week 1 = [02-15, 02-22): its first instant
#   c 2026-02-21T23:59:59Z   week 1, its last second
#   d 2026-02-22T00:00:00Z   week 2 = [02-22, 03-01): its first instant
#   e 2026-02-28T23:59:59Z   week 2, its last second
#   f 2026-03-01T00:00:00Z   at `to`: after both weeks (half-open)
cat >w.yaml <<'EOF'
teams: [{id: web}]
people: [{id: maria, name: Maria, team: web}, {id: tom, name: Tom, team: web}]
journeys:
  - {id: j, name: J, owner: maria, match: [{types: ["x.*"]}]}
  - {id: k, name: K, owner: tom, match: [{types: ["y.*"]}]}
  - id: s
    name: S
    owner: tom
    match: [{types: ["s.*"]}]
    stages:
      - {id: intake, types: ["s.intake"], sla: 1h}
      - {id: review, types: ["s.review"], sla: 4h}
      - {id: done, types: ["s.done"]}
touchpoints: [{id: site, channel: web, team: web}]
EOF
"$BATON" config load --db w.db w.yaml >/dev/null || { notok "config loads"; exit 1; }
{
	ev a 2026-02-14T23:59:59Z site x.open '{"user_id":"a"}'
	ev b 2026-02-15T00:00:00Z site x.open '{"user_id":"b"}'
	ev c 2026-02-21T23:59:59Z site x.open '{"user_id":"c"}'
	ev d 2026-02-22T00:00:00Z site x.open '{"user_id":"d"}'
	ev e 2026-02-28T23:59:59Z site x.open '{"user_id":"e"}'
	ev f 2026-03-01T00:00:00Z site x.open '{"user_id":"f"}'
	ev g 2026-02-20T00:00:00Z site y.open '{"user_id":"g"}'
	ev s1a 2026-03-01T23:00:00Z site s.intake '{"user_id":"s1"}'
	ev s2a 2026-03-01T10:00:00Z site s.intake '{"user_id":"s2"}'
	ev s2b 2026-03-01T21:00:00Z site s.review '{"user_id":"s2"}'
	ev s3a 2026-03-01T01:00:00Z site s.intake '{"user_id":"s3"}'
	ev s3b 2026-03-01T02:00:00Z site s.review '{"user_id":"s3"}'
	ev s3c 2026-03-01T03:00:00Z site s.done '{"user_id":"s3"}'
	ev s4b 2026-03-01T21:00:01Z site s.review '{"user_id":"s4"}'
	ev h1 2026-02-23T00:00:00Z crm z.ping '{"user_id":"h"}'
	ev h2 2026-02-23T00:00:01Z crm z.ping '{"user_id":"h"}'
} >w.ndjson
"$BATON" ingest --db w.db w.ndjson >/dev/null || { notok "events ingest"; exit 1; }

mkdir -p site/assets site/.hidden
printf '<!doctype html><title>baton</title><script src="/assets/app-5FHX2KQM.js"></script>\n' >site/index.html
awk 'BEGIN { for (i = 0; i < 400; i++) print "console.log(\"a line that compresses well\");" }' >site/assets/app-5FHX2KQM.js
echo secret >site/.hidden/x.txt
ln -s /etc/passwd site/assets/passwd

serve_start w.db --web-dir site || { notok "server starts"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)
A="Authorization: Bearer $ADMIN"
AS=2026-03-02T00:00:00Z
get() { curl -s -H "$A" "$U$1"; }

tr=$(get "/v1/journeys/j/kpis/trend?weeks=2&to=2026-03-01T00:00:00Z&as_of=$AS")
eq "trend: two weeks ending at to, oldest first, with their edges" \
	"$(echo "$tr" | jq -c '[.weeks[] | [.from, .to]]')" \
	'[["2026-02-15T00:00:00Z","2026-02-22T00:00:00Z"],["2026-02-22T00:00:00Z","2026-03-01T00:00:00Z"]]'
eq "trend: each week holds the instances opened in [from, to): b c | d e" \
	"$(echo "$tr" | jq -c '[.weeks[].kpis.journeys[0].instances]')" '[2,2]'
eq "trend: judged at as_of" "$(echo "$tr" | jq -r '.as_of, .weeks[1].kpis.as_of' | sort -u)" "2026-03-02T00:00:00Z"
w1=$(get "/v1/journeys/j/kpis?from=2026-02-15T00:00:00Z&to=2026-02-22T00:00:00Z&as_of=$AS" | jq -c .journeys)
eq "trend: a week is what /v1/kpis says for it" "$(echo "$tr" | jq -c '.weeks[0].kpis.journeys')" "$w1"
eq "trend without to: weeks end at as_of ([02-24, 03-02) holds e and f)" \
	"$(get "/v1/journeys/j/kpis/trend?weeks=1&as_of=$AS" | jq -c '[.weeks[0].from, .weeks[0].kpis.journeys[0].instances]')" \
	'["2026-02-23T00:00:00Z",2]'
eq "trend of every journey: twelve weeks by default, both journeys" \
	"$(get "/v1/kpis/trend?as_of=$AS" | jq -c '[(.weeks | length), [.weeks[-1].kpis.journeys[].journey]]')" '[12,["j","k","s"]]'
for bad in 0 53 x 1.5; do
	code=$(curl -s -o out.txt -w '%{http_code}' -H "$A" "$U/v1/kpis/trend?weeks=$bad")
	eq "trend weeks=$bad: 400 naming the parameter" "$code $(jq -r .detail out.txt)" "400 query parameter weeks: '$bad' is not a whole number from 1 to 52"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$A" "$U/v1/journeys/nope/kpis/trend")
eq "trend of an unknown journey: 404" "$code" 404

# the stage funnel of s as of 03-02T00:00:00Z (hand-worked):
#   s1 intake since 23:00, 1 h: its whole SLA of 1 h: breached
#   s2 intake, then review since 21:00, 3 h: three quarters of 4 h: at risk
#   s3 intake, review, done (no SLA)
#   s4 review only, since 21:00:01, 2:59:59: under three quarters
# reached: intake 4 (s4 got further), review 3 (s2 s3 s4), done 1 (s3)
eq "funnel: reached, open, breached and at risk per stage, in the configured order" \
	"$(get "/v1/journeys/s/funnel?as_of=$AS" | jq -c '[.instances, .no_stage, (.stages[] | [.stage, .sla_s, .reached, .open, .sla_breached, .sla_at_risk])]')" \
	'[4,0,["intake",3600,4,1,1,0],["review",14400,3,2,0,1],["done",null,1,1,0,0]]'
eq "funnel one second earlier: s1 only at risk, s2 not yet" \
	"$(get "/v1/journeys/s/funnel?as_of=2026-03-01T23:59:59Z" | jq -c '[.stages[] | [.stage, .sla_breached, .sla_at_risk]]')" \
	'[["intake",0,1],["review",0,0],["done",0,0]]'
eq "funnel of a journey without stages: none (a..f, each at no stage)" "$(get "/v1/journeys/j/funnel?as_of=$AS" | jq -c '[.instances, .no_stage, .stages]')" '[6,6,[]]'

# the sources as of 03-02: site has a..g and the seven s events (14), nine
# of them in the last 7 days (after 02-23T00:00:00Z: e, f and the s
# events); crm, not a configured touchpoint,
# has h1 exactly 7 days before (outside) and h2 one second later (inside)
eq "sources: most events first, with the last 7 days, first and last" \
	"$(get "/v1/sources?as_of=$AS" | jq -c '[.total, (.sources[] | [.source, .events, .last_7d, .first, .last, .touchpoint, .channel, .team])]')" \
	'[2,["site",14,9,"2026-02-14T23:59:59Z","2026-03-01T23:00:00Z",true,"web","web"],["crm",2,1,"2026-02-23T00:00:00Z","2026-02-23T00:00:01Z",false,null,null]]'
eq "sources as of 02-21: only what was there then" \
	"$(get "/v1/sources?as_of=2026-02-21T00:00:00Z" | jq -c '[.sources[] | [.source, .events]]')" '[["site",3]]'
next=$(get "/v1/sources?as_of=$AS&limit=1" | jq -r .next)
eq "sources a page at a time" "$(get "/v1/sources?as_of=$AS&limit=1&cursor=$next" | jq -c '[.sources[].source, .next]')" '["crm",null]'

# ---- files ----
h() { rm -f body.out; : >body.out; curl -s -o body.out -D headers.out "$@"; }
hdr() { sed -n "s/^$1: //Ip" headers.out | tr -d '\r'; }
status() { head -n 1 headers.out | cut -d' ' -f2; }
h "$U/"
eq "/ is the page" "$(status) $(hdr Content-Type)" "200 text/html; charset=utf-8"
eq "... byte for byte" "$(cmp -s body.out site/index.html && echo same)" same
eq "... revalidated each time" "$(hdr Cache-Control)" "no-cache"
eq "... under a strict policy: nothing inline, nothing evaluated, no frames" "$(hdr Content-Security-Policy)" \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
eq "... nosniff" "$(hdr X-Content-Type-Options)" nosniff
eq "... a referrer policy under which a browser still sends its Origin" "$(hdr Referrer-Policy)" same-origin
tag=$(hdr ETag)
h -H "If-None-Match: $tag" "$U/"
eq "the page again with its ETag: 304, no body" "$(status) $(wc -c <body.out)" "304 0"
h -H 'If-None-Match: "0000000000000000"' "$U/"
eq "... with another ETag: 200" "$(status)" 200
h -H 'Accept-Encoding: gzip, br' "$U/assets/app-5FHX2KQM.js"
eq "an asset to a client that takes gzip: gzipped" "$(status) $(hdr Content-Encoding) $(hdr Vary)" "200 gzip Accept-Encoding"
eq "... smaller, and the same once unpacked" "$([ "$(wc -c <body.out)" -lt "$(wc -c <site/assets/app-5FHX2KQM.js)" ] && gzip -dc body.out | cmp -s - site/assets/app-5FHX2KQM.js && echo same)" same
eq "... served as JavaScript" "$(hdr Content-Type)" "text/javascript; charset=utf-8"
h -H 'Accept-Encoding: gzip;q=0, identity' "$U/assets/app-5FHX2KQM.js"
eq "gzip;q=0: not gzipped" "$(hdr Content-Encoding)$(cmp -s body.out site/assets/app-5FHX2KQM.js && echo same)" same
h "$U/assets/app-5FHX2KQM.js"
eq "no Accept-Encoding: not gzipped" "$(hdr Content-Encoding)$(cmp -s body.out site/assets/app-5FHX2KQM.js && echo same)" same
got=$(curl -s -I -o /dev/null -D headers.out -w '%{size_download}' "$U/assets/app-5FHX2KQM.js")
eq "HEAD: the headers, no body" "$(status) $(hdr Content-Length) $got" "200 $(wc -c <site/assets/app-5FHX2KQM.js) 0"
h "$U/assets/nope.js"
eq "an unknown asset: 404 JSON" "$(status) $(jq -r .error body.out)" "404 not_found"
h "$U/assets/passwd"
eq "a symbolic link in the folder is not served" "$(status)" 404
h "$U/.hidden/x.txt"
eq "nor a hidden file" "$(status)" 404
h -H 'Accept: text/html,application/xhtml+xml' "$U/journeys/j?from=2026-02-01"
eq "a bookmarked page (asked for as HTML): the page" "$(status) $(cmp -s body.out site/index.html && echo same)" "200 same"
h "$U/journeys/j"
eq "the same path asked for by an API client: 404 JSON" "$(status) $(jq -r .error body.out)" "404 not_found"
h -H 'Accept: text/html' "$U/v1/nowhere"
eq "under /v1/ never the page" "$(status) $(jq -r .error body.out)" "404 not_found"
h -X POST "$U/"
eq "POST to a page: 405" "$(status)" 405
h -X DELETE "$U/assets/app-5FHX2KQM.js"
eq "DELETE of an asset: 405" "$(status)" 405

# the files built in: the dashboard when web/ was built, else / says why not
h "$U/"
kill -TERM "$pid"
wait "$pid"
serve_again w.db || { notok "server restarts"; exit 1; }
h "$U/"
if [ -f "$BATON_ROOT/web/package.json" ]; then
	eq "the built-in dashboard at /" "$(status) $(hdr Content-Type)" "200 text/html; charset=utf-8"
	asset=$(grep -o '/assets/[^"]*\.js' body.out | head -n 1)
	h "$U$asset"
	eq "its assets are named by content: cached for a year" "$(status) $(hdr Cache-Control)" \
		"200 public, max-age=31536000, immutable"
else
	eq "a baton built without web/ says so at /" "$(status) $(jq -r .detail body.out | cut -c1-43)" \
		"404 the dashboard is not in this build of baton"
fi
kill -TERM "$pid"
wait "$pid"
run "$BATON" serve --db w.db --listen "127.0.0.1:$port" --web-dir nowhere
eq "--web-dir of a missing folder: exit 1, named" "$rc $err" "1 baton serve: --web-dir nowhere: No such file or directory"
mkdir -p empty
run "$BATON" serve --db w.db --listen "127.0.0.1:$port" --web-dir empty
eq "--web-dir without index.html: exit 1, named" "$rc $err" "1 baton serve: --web-dir empty has no index.html"

# ---- signing in ----
serve_again w.db --web-dir site || { notok "server restarts"; exit 1; }
tok() { "$BATON" token create --db w.db "$@" | tail -n 1; }
MARIA=$(tok --role owner --person maria --name maria-browser)
MARIA_ID=$("$BATON" token list --db w.db --json | jq -r '.[] | select(.name == "maria-browser") | .id')
login() { # login FORM [curl args]
	f=$1
	shift
	curl -s -o body.out -D headers.out -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data "$f" "$@" "$U/login"
}
cookie() { hdr Set-Cookie | sed -n 's/^baton_session=\([^;]*\);.*/\1/p'; }
login "token=$MARIA&next=/queue"
eq "sign in: 303 to where the person was going" "$(status) $(hdr Location)" "303 /queue"
C=$(cookie)
eq "... a session cookie: HttpOnly, SameSite=Strict, 12 hours, not Secure over plain HTTP" \
	"$(hdr Set-Cookie | sed 's/=[^;]*;/=ID;/')" "baton_session=ID; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict"
# sealed: a 24-byte nonce, a 16-byte tag, a 16-byte random id, 8 bytes of
# expiry and the token's 32-byte hash: 96 bytes, 128 characters of base64url
eq "... sealed: 96 bytes in base64url" "$(printf '%s' "$C" | wc -c)" 128
eq "... which do not show the token" "$(printf '%s' "$C" | grep -c -F -e "${MARIA#bt_}")" 0
login "token=$MARIA" -H 'X-Forwarded-Proto: https'
eq "behind a TLS proxy the cookie is Secure" "$(hdr Set-Cookie | grep -c '; Secure$')" 1
login "token=$MARIA&next=//evil.example/x"
eq "next to another site: home instead" "$(hdr Location)" "/"
login "token=$MARIA&next=%2F%5Cevil.example"
eq "next as /\\host: home instead" "$(hdr Location)" "/"
login "token=bt_0000000000000000000000000000000000000000000"
eq "a wrong token: back to the form, no cookie" "$(status) $(hdr Location) $(hdr Set-Cookie | wc -c)" "303 /login?failed=1 0"
login "next=/"
eq "no token: the same" "$(status) $(hdr Location)" "303 /login?failed=1"
login "token=bt_0000000000000000000000000000000000000000000&next=/journeys/j%3Ffrom%3D2026-02-01%26to%3Dx"
eq "a wrong token on the way to a page: the form keeps where to go" "$(hdr Location)" \
	"/login?failed=1&next=/journeys/j%3Ffrom%3D2026-02-01%26to%3Dx"
login "token=$MARIA" -H 'Origin: null'
eq "Origin: null (a page without one): 403" "$(status)" 403
login "token=$MARIA" -H 'Origin: http://evil.example'
eq "signing in from another site's page: 403" "$(status) $(hdr Set-Cookie | wc -c)" "403 0"
h -X POST -H 'Content-Type: application/json' --data "{\"token\":\"$MARIA\"}" "$U/login"
eq "signing in with JSON: 415" "$(status)" 415

sget() { rm -f body.out; curl -s -o body.out -D headers.out -b "baton_session=$1" "$U$2"; }
sget "$C" /v1/session
eq "the session is maria's owner token" "$(status) $(jq -c '[.role, .person, .name]' body.out)" '200 ["owner","maria","maria-browser"]'
sget "$C" /v1/journeys
eq "with the session, maria sees her journey only" "$(jq -c '[.journeys[].journey]' body.out)" '["j"]'
sget "$C" /v1/journeys/k/kpis
eq "... and another's is not found" "$(status)" 404
sget "$C" /metrics
eq "... and the session holds her role: no metrics" "$(status)" 403
sget nonsense /v1/session
eq "a made-up cookie: 401, sign in again" "$(status) $(jq -r .detail body.out)" "401 the session has ended: sign in again"
# one character of the sealed bytes changed: the tag no longer holds
c101=$(printf '%s' "$C" | cut -c 101)
if [ "$c101" = A ]; then c101=B; else c101=A; fi
T=$(printf '%s' "$C" | cut -c 1-100)$c101$(printf '%s' "$C" | cut -c 102-)
eq "a cookie changed by one character (as long as one)" "$(printf '%s' "$T" | wc -c) $([ "$T" != "$C" ] && echo changed)" "128 changed"
sget "$T" /v1/session
eq "... is refused: its tag no longer holds" "$(status)" 401
# a session outlives a restart (it lives in its cookie), and is opened by
# any server of the database
kill -TERM "$pid"; wait "$pid"
serve_again w.db --web-dir site || { notok "server restarts"; exit 1; }
sget "$C" /v1/session
eq "the session outlives a restart" "$(status) $(jq -r .person body.out)" "200 maria"
"$BATON" config load --db other.db w.yaml >/dev/null
"$BATON" token create --db other.db --role admin >/dev/null
kill -TERM "$pid"; wait "$pid"
serve_again other.db --web-dir site || { notok "server starts on another database"; exit 1; }
sget "$C" /v1/session
eq "... but not by a server of another database" "$(status)" 401
kill -TERM "$pid"; wait "$pid"
serve_again w.db --web-dir site || { notok "server restarts"; exit 1; }
h -H "Authorization: Bearer $ADMIN" -b "baton_session=$C" "$U/v1/session"
eq "a bearer token goes before the cookie" "$(jq -r .role body.out)" admin

# a change made with the cookie must come from the server's own page
ch() { c=$1; shift; rm -f body.out; curl -s -o body.out -D headers.out -b "baton_session=$c" -X POST -H 'Content-Type: application/json' --data '{"ids":{"user_id":"a"}}' "$@" "$U/v1/guard"; }
ADMC=$(login "token=$ADMIN" && cookie)
ch "$ADMC"
eq "a change with the cookie and no Origin: 403" "$(status)" 403
ch "$ADMC" -H 'Origin: http://evil.example'
eq "... from another site's page: 403" "$(status)" 403
ch "$ADMC" -H "Origin: http://127.0.0.1:$port.evil.example"
eq "... from a look-alike origin: 403" "$(status)" 403
ch "$ADMC" -H "Origin: $U"
eq "... from the server's own page: served" "$(status) $(jq -r .allow body.out)" "200 true"
ch "$ADMC" -H 'Origin: https://baton.example' -H 'X-Forwarded-Host: baton.example'
eq "... behind a proxy, its forwarded host counts" "$(status)" 200

# revoking the token ends its sessions
"$BATON" token revoke --db w.db "$MARIA_ID" >/dev/null
sget "$C" /v1/session
eq "a revoked token's session: 401 at once" "$(status) $(jq -r .detail body.out)" "401 the token of this session was revoked"
sget "$C" /v1/session
eq "... and it stays ended" "$(status) $(jq -r .detail body.out)" "401 the session has ended: sign in again"

# signing out
h -X POST -b "baton_session=$ADMC" "$U/logout"
eq "sign out without Origin: 403" "$(status)" 403
h -X POST -b "baton_session=$ADMC" -H "Origin: $U" "$U/logout"
eq "sign out: 303 to the form, the cookie cleared" "$(status) $(hdr Location) $(hdr Set-Cookie)" \
	"303 /login baton_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
sget "$ADMC" /v1/session
eq "... and the session is over" "$(status)" 401
kill -TERM "$pid"; wait "$pid"
serve_again w.db --web-dir site || { notok "server restarts"; exit 1; }
sget "$ADMC" /v1/session
eq "... also after a restart (signed out in the database)" "$(status) $(jq -r .detail body.out)" \
	"401 the session has ended: sign in again"
"$BATON" purge --db w.db >/dev/null
sget "$ADMC" /v1/session
eq "... and after a purge (it forgets a sign-out only an hour after the session's end)" "$(status)" 401

# nothing of a session in the log: neither the cookie nor the token
eq "the access log holds no session id or token" "$(grep -c -e "$ADMC" -e "$C" -e "$ADMIN" -e "$MARIA" serve.log)" 0
eq "pages, files and sign-in are logged by kind, never by path" \
	"$(jq -r 'select(.route) | .route' serve.log | grep -v '^/v1\|^/metrics\|^/healthz' | sort -u | tr '\n' ' ')" \
	"(file) (no route) (page) /login /logout "

kill -TERM "$pid"
wait "$pid"
