# SPDX-License-Identifier: Apache-2.0
# Bad input never costs good data: every kind of broken record between good
# ones gets a clear error naming its line, is kept as a dead letter, and the
# good records around it are all stored.
. "$BATON_ROOT/tests/cli/lib.sh"

good() { printf '{"id":"g%s","ts":"2026-03-01T10:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"u%s"}}\n' "$1" "$1"; }

{
	good 1
	printf '{"id":"t1","ts":"2026-03-01T10:00:00Z","source":"web","ty\n'            # 2 truncated
	good 2
	printf '{"ts":"2026-03-01T10:00:00Z","source":["web"],"type":"x","ids":{"user_id":"a"}}\n' # 4 wrong type
	printf '{"ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"user_id":"a"},"jouney":"j"}\n' # 5 unknown
	printf '{"ts":"2026-03-01T10:00:00Z","source":"w\377b","type":"x","ids":{"user_id":"a"}}\n' # 6 bad UTF-8
	good 3
	printf '{"ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"user_id":"a"},"props":{"x":"'
	head -c 10485760 /dev/zero | tr '\0' 'a'
	printf '"}}\n'                                                                      # 8 10 MB line
	head -c 30000 /dev/zero | tr '\0' '['; echo                                         # 9 nesting
	printf '{"ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"user_id":"a"},"props":' # 10 deep props
	head -c 70 /dev/zero | tr '\0' '['; head -c 70 /dev/zero | tr '\0' ']'; printf '}\n'
	printf '\n   \n'                                                                    # 11-12 blank
	good 4
	printf '"just a string"\n'                                                          # 14
	printf '{"ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"user_id":"a"}} trailing\n' # 15
	good 5
} >bad.ndjson

run "$BATON" ingest --json bad.ndjson
eq "exit 2: some rejected, the rest stored" "$rc" 2
eq "all five good records accepted" "$(echo "$out" | jq .accepted)" 5
eq "nine bad records rejected" "$(echo "$out" | jq .rejected)" 9
eq "each error names its line" "$(echo "$out" | jq -c '[.errors[].line]')" "[2,4,5,6,8,9,10,14,15]"
errs=$(echo "$out" | jq -r '.errors[].error')
contains "truncated line" "$errs" "invalid JSON at byte"
contains "wrong type" "$errs" "field 'source': expected a string, got array"
contains "unknown field" "$errs" "unknown field 'jouney' (did you mean 'journey'?)"
contains "invalid UTF-8" "$errs" "invalid UTF-8"
# 91 bytes before the 10 MiB of 'a', 3 after
contains "10 MB line" "$errs" "line is 10485854 bytes, more than the 32768 allowed for one event"
contains "nesting bomb" "$errs" "invalid JSON at byte 64: nesting deeper than 64"
contains "nesting in props" "$errs" "invalid JSON at byte 148: nesting deeper than 64"
contains "not an object" "$errs" "expected an event object, got string"
run "$BATON" summary --json
eq "five events stored" "$(echo "$out" | jq .events)" 5
eq "nine dead letters kept" "$(echo "$out" | jq .dead_letters)" 9
run "$BATON" ingest --json bad.ndjson
eq "ingested again: the good ones are duplicates, the bad ones rejected again" \
	"$(echo "$out" | jq -c '[.accepted,.duplicates,.rejected]')" "[0,5,9]"
run "$BATON" summary --json
eq "and each bad record is still kept once" "$(echo "$out" | jq .dead_letters)" 9
run "$BATON" dead-letters --json
eq "the 10 MB record is kept truncated to 64 KiB" "$(echo "$out" | jq -c '[.[] | select(.line==8) | .truncated, (.raw|length)]')" "[true,65536]"

: >empty.ndjson
run "$BATON" ingest empty.ndjson
eq "an empty file exits 1" "$rc" 1
contains "with a clear message" "$err" "empty.ndjson: no records (empty input)"

# a JSON document nested 100,000 deep
head -c 100000 /dev/zero | tr '\0' '[' >deep.json
run "$BATON" ingest deep.json
eq "a 100,000-deep document exits 1" "$rc" 1
contains "with the depth named" "$err" "nesting deeper than 65"

# a file without a final newline still gives its last record
printf '{"ts":1,"source":"s","type":"t","ids":{"user_id":"last"}}' >nonl.ndjson
run "$BATON" ingest --json nonl.ndjson
eq "last line without newline" "$(echo "$out" | jq .accepted)" 1

# CRLF line ends
printf '{"ts":1,"source":"s","type":"t","ids":{"user_id":"crlf"}}\r\n' >crlf.ndjson
run "$BATON" ingest --json crlf.ndjson
eq "CRLF line ends" "$(echo "$out" | jq .accepted)" 1

# the dead letters can be fixed and re-ingested
run "$BATON" dead-letters export
echo "$out" | grep '"jouney"' | sed 's/"jouney"/"journey"/' >fixed.ndjson
run "$BATON" ingest --json fixed.ndjson
eq "a fixed dead letter is accepted" "$(echo "$out" | jq .accepted)" 1
run "$BATON" dead-letters delete --all
contains "delete --all" "$out" "deleted 9 dead letters"
run "$BATON" dead-letters
eq "and the list is empty" "$out" "no dead letters"
