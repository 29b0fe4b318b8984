# SPDX-License-Identifier: Apache-2.0
# Nothing a client sends makes the server answer 5xx or fall over: a corpus
# of malformed bodies, headers and paths, each answered with a 4xx JSON
# error; afterwards the server still serves.  `make test` also runs this
# against the ASan+UBSan build.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

serve_start m.db --quiet --rate 0 || { notok "server starts"; exit 1; }
TOKEN=$(grep '^bt_' serve.out)
H="Authorization: Bearer $TOKEN"

mkdir corpus
printf '{"ts":"2026-03-01T10:00:00Z","source":"web","ty' >corpus/truncated.json
printf '{"ts":1,"source":"w\377\376b","type":"t","ids":{"user_id":"a"}}' >corpus/bad-utf8.json
printf '\300\257' >corpus/overlong-utf8.json
head -c 400000 /dev/zero | tr '\0' '[' >corpus/nesting-bomb.json
{ printf '{"ts":1,"source":"s","type":"t","ids":{"user_id":"a"},"props":'; head -c 100 /dev/zero | tr '\0' '{' | sed 's/{/{"a":/g'; printf '1'; head -c 100 /dev/zero | tr '\0' '}'; printf '}'; } >corpus/deep-props.json
{ printf '{"ts":1,"source":"'; head -c 300000 /dev/zero | tr '\0' 'x'; printf '","type":"t","ids":{"user_id":"a"}}'; } >corpus/huge-string.json
printf '[1,"two",null,true,{"ts":[]}]' >corpus/wrong-types.json
printf '{"ts":1,"source":"s","type":"t","ids":{"user_id":["a",{"b":1}]}}' >corpus/ids-object.json
printf '{"ts":1e999,"source":"s","type":"t","ids":{"user_id":"a"}}' >corpus/huge-number.json
printf '{"ts":-9223372036854775808,"source":"s","type":"t","ids":{"user_id":"a"}}' >corpus/min-int.json
printf '{"ts":"9999-12-31T23:59:60Z","source":"s","type":"t","ids":{"user_id":"a"},"promise":{"id":"p","due":"999999999999w"}}' >corpus/overflow-due.json
printf '{"a":1,"a":2}' >corpus/duplicate-keys.json
printf '\357\273\277{"ts":1,"source":"s","type":"t","ids":{"user_id":"a"}}' >corpus/bom.json
printf '{"ts":1,"source":"s","type":"t","ids":{"user_id":"a\\ud800"}}' >corpus/lone-surrogate.json
printf '\0\0\0\0' >corpus/nul-bytes.json
printf 'null' >corpus/null.json
printf '""' >corpus/string.json
printf '[]' >corpus/empty-array.json
printf '{}' >corpus/empty-object.json
printf '   \n\n  ' >corpus/whitespace.json

bad=""
for f in corpus/*; do
	code=$(curl -s -o resp -w '%{http_code}' -H "$H" -H "Content-Type: application/json" --data-binary @"$f" "$U/v1/events")
	case "$code" in
	4??) jq -e .error resp >/dev/null 2>&1 || bad="$bad $(basename "$f"):not-json" ;;
	*) bad="$bad $(basename "$f"):$code" ;;
	esac
done
eq "every malformed body gets a 4xx JSON error" "$bad" ""

# NDJSON with every kind of bad line: still a 4xx or a 200 with counts, never 5xx
for f in corpus/truncated.json corpus/bad-utf8.json corpus/deep-props.json; do cat "$f"; echo; done >lines.ndjson
code=$(curl -s -o resp -w '%{http_code}' -H "$H" -H "Content-Type: application/x-ndjson" --data-binary @lines.ndjson "$U/v1/events")
eq "bad NDJSON lines: 400 with one error per line" "$code $(jq -c '[.rejected, (.errors|length)]' resp)" "400 [3,3]"

# hostile headers and paths
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -c 5000 /dev/zero | tr '\0' 'A')" "$U/v1/kpis")
eq "an absurd token: 401" "$code" 401
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic Zm9vOmJhcg==" "$U/v1/kpis")
eq "a Basic header on a bearer route: 401" "$code" 401
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/profiles/%00%ff%fe")
eq "a binary path parameter: 4xx" "$(echo "$code" | cut -c1)" 4
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/profiles/$(head -c 3000 /dev/zero | tr '\0' 'x')")
eq "a very long path: 4xx" "$(echo "$code" | cut -c1)" 4
code=$(curl -s -o resp -w '%{http_code}' -H "$H" -H "Content-Type: application/json" -H "Content-Length: 99999999" --data-binary '{}' "$U/v1/events")
eq "a Content-Length over the limit: 413 before the body is read" "$code $(jq -r .error resp)" "413 too_large"

code=$(curl -s -o /dev/null -w '%{http_code}' "$U/healthz")
eq "the server is still up" "$code" 200
kill -TERM "$pid"; wait "$pid"
eq "and stops cleanly (no sanitizer report)" "$?" 0
