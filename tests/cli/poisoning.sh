# SPDX-License-Identifier: Apache-2.0
# Identity poisoning (issue 10 §3, docs/identity.md): placeholder values,
# junk hidden by invisible or fullwidth characters, e-mails that are no
# address, phones with too few digits, and identifiers from a source that
# may not link them never join two strangers; every refusal is kept for
# review (baton profile, baton summary).
. "$BATON_ROOT/tests/cli/lib.sh"

# Each case: the type and value both strangers send.  The strangers of
# case i are told apart by user_id (u-a-i, u-b-i), or by customer_id when
# the poisoning value is a user_id, and each has a real e-mail of their
# own (a-i@example.com, b-i@example.com).  Values are JSON string bodies.
cat >cases.txt <<'C'
email	noreply@example.com
email	none@none.com
email	(null)
email	false
email	nil
email	n.a.
email	x
email	no email
email	null\u00a0
email	null\u200b
email	\uff4e\uff55\uff4c\uff4c
customer_id	null\u00a0
customer_id	nu\u200bll
customer_id	\uff4e\uff55\uff4c\uff4c
phone	n/a +
phone	12
phone	0123456789
user_id	(null)
user_id	false
user_id	-1
user_id	TBD
user_id	?
customer_id	(null)
customer_id	false
customer_id	-1
customer_id	TBD
customer_id	?
C
i=0
: >events.ndjson
while IFS='	' read -r type value; do
	i=$((i + 1))
	if [ "$type" = user_id ]; then k=customer_id p=c; else k=user_id p=u; fi
	for who in a b; do
		printf '{"id":"%s-%s","ts":"2026-03-0%sT10:00:00Z","source":"web","type":"form.submitted","ids":{"%s":"%s-%s-%s","email":"%s-%s@example.com","%s":"%s"}}\n' \
			"$who" "$i" "$([ $who = a ] && echo 1 || echo 2)" "$k" "$p" "$who" "$i" "$who" "$i" "$type" "$value" >>events.ndjson
	done
done <cases.txt
ncases=$i

run "$BATON" ingest --json events.ndjson
eq "every event is accepted on its real identifiers" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[$((2 * ncases)),0]"
eq "the ingest answer counts the identifiers it refused" "$(echo "$out" | jq -c '.refused')" "$((2 * ncases))"

i=0
while IFS='	' read -r type value; do
	i=$((i + 1))
	pa=$("$BATON" profile --json "email:a-$i@example.com" | jq -r .profile)
	pb=$("$BATON" profile --json "email:b-$i@example.com" | jq -r .profile)
	if [ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ]; then
		ok "$type '$value' links no strangers ($pa, $pb)"
	else
		notok "$type '$value' links no strangers"
		printf '#   profiles: %s %s\n' "$pa" "$pb"
	fi
done <cases.txt

run "$BATON" summary --json
eq "no merge, no conflict: the values were refused before any link" \
	"$(echo "$out" | jq -c '[.profiles,.merges,.conflicts,.refused]')" "[$((2 * ncases)),0,0,$((2 * ncases))]"

# The refusal is on the profile of the event, with its reason.
run "$BATON" profile --json email:a-1@example.com
eq "a junk e-mail: refused, with its reason" "$(echo "$out" | jq -c '.refusals')" \
	'[{"event":1,"identifier":"email:noreply@example.com","reason":"a junk value, which identifies nobody"}]'
run "$BATON" profile --json email:a-10@example.com
eq "a zero-width space is removed before junk matching" "$(echo "$out" | jq -c '.refusals[0].identifier')" '"email:null"'
run "$BATON" profile --json email:b-14@example.com
eq "fullwidth letters are read as their ASCII forms (NFKC)" "$(echo "$out" | jq -c '.refusals[0].identifier')" '"customer_id:null"'
run "$BATON" profile --json email:a-16@example.com
eq "a phone with two digits" "$(echo "$out" | jq -c '.refusals[0] | [.identifier,.reason]')" \
	'["phone:12","a phone number needs at least 7 digits"]'
run "$BATON" profile email:a-17@example.com
contains "the text view lists the refusals" "$out" "refused      1
  event 33: phone:0123456789 refused: a junk value, which identifies nobody"
run "$BATON" profile phone:0123456789
eq "a refused value finds no profile" "$rc" 1
contains "and says why" "$err" "that phone value is refused: a junk value, which identifies nobody"
run "$BATON" profile --json P1
eq "the profile holds its own identifiers only" "$(echo "$out" | jq -c '.identifiers')" \
	'["email:a-1@example.com","user_id:u-a-1"]'

# A fullwidth e-mail address is the same identifier as its ASCII form; an
# e-mail without the form of an address links nothing.
printf '%s\n' '{"ts":"2026-03-05T10:00:00Z","source":"web","type":"t","ids":{"user_id":"wide","email":"\uff21\uff4e\uff4e@\uff25xample.com"}}' \
	'{"ts":"2026-03-05T11:00:00Z","source":"web","type":"t","ids":{"email":"ann@example.com","phone":"+44 7700 900123"}}' \
	'{"ts":"2026-03-05T12:00:00Z","source":"web","type":"t","ids":{"user_id":"kim","email":"ann@localhost"}}' >wide.ndjson
run "$BATON" ingest --db wide.db --json wide.ndjson
run "$BATON" profile --db wide.db --json user_id:wide
eq "fullwidth and ASCII forms of one address are one identifier" "$(echo "$out" | jq -c '.identifiers')" \
	'["email:ann@example.com","phone:+447700900123","user_id:wide"]'
run "$BATON" profile --db wide.db --json user_id:kim
eq "an e-mail without a dot in its domain" "$(echo "$out" | jq -c '[.identifiers, .refusals[0].identifier, .refusals[0].reason]')" \
	'[["user_id:kim"],"email:ann@localhost","not an e-mail address (a local part, @ and a domain with a dot, no spaces)"]'

# Per-source linking rules: a touchpoint's may_link lists the identifier
# types its events may link.  The web form may link e-mails only, so a
# phone it sends is kept on the event but joins no profile.
cat >rules.yaml <<'Y'
touchpoints:
  - {id: web-form, channel: web, may_link: [email]}
  - {id: crm, channel: other}
Y
"$BATON" config load --db rules.db rules.yaml >/dev/null
{
	ev f1 2026-03-01T10:00:00Z web-form form.submitted '{"email":"kim@example.com","phone":"+44 7700 900777"}'
	ev f2 2026-03-02T10:00:00Z web-form form.submitted '{"email":"lee@example.com","phone":"+44 7700 900777"}'
	ev f3 2026-03-03T10:00:00Z crm account.linked '{"email":"kim@example.com","customer_id":"C-1"}'
	ev f4 2026-03-04T10:00:00Z web-form form.submitted '{"user_id":"u-9"}'
} >rules.ndjson
run "$BATON" ingest --db rules.db --json rules.ndjson
eq "an event whose every identifier its source may not link is rejected" \
	"$(echo "$out" | jq -c '[.accepted,.rejected,.refused,.errors[0].error]')" \
	"[3,1,2,\"field 'ids': no usable identifier: user_id (touchpoint 'web-form' may link only email)\"]"
pk=$("$BATON" profile --db rules.db --json email:kim@example.com | jq -r .profile)
pl=$("$BATON" profile --db rules.db --json email:lee@example.com | jq -r .profile)
if [ "$pk" != "$pl" ]; then ok "a phone from a source that may not link phones joins nobody"; else notok "a phone from a source that may not link phones joins nobody"; fi
run "$BATON" profile --db rules.db --json email:kim@example.com
eq "a source that may link it links it (crm: customer_id)" "$(echo "$out" | jq -c '.identifiers')" \
	'["customer_id:C-1","email:kim@example.com"]'
eq "the refused link is recorded with the rule" "$(echo "$out" | jq -c '.refusals')" \
	'[{"event":1,"identifier":"phone:+447700900777","reason":"touchpoint '"'web-form'"' may link only email"}]'
run "$BATON" profile --db rules.db phone:+447700900777
eq "the phone is no identifier of anyone" "$rc" 1

# Erasing a person removes their identifier from the refusals and from the
# other events that carried it refused.
{
	ev g1 2026-03-05T10:00:00Z crm account.linked '{"customer_id":"C-2","phone":"+44 7700 900888"}'
	ev g2 2026-03-06T10:00:00Z web-form form.submitted '{"email":"other@example.com","phone":"+44 7700 900888"}'
} >erase.ndjson
"$BATON" ingest --db rules.db erase.ndjson 2>/dev/null
run "$BATON" erase --db rules.db phone:+447700900888
eq "erase succeeds" "$rc" 0
run "$BATON" profile --db rules.db --json email:other@example.com
eq "the erased phone is gone from the refusals" "$(echo "$out" | jq -c '.refusals')" '[]'
if grep -a -q "900888" rules.db rules.db-wal 2>/dev/null; then notok "no trace of the erased phone in the files"; else ok "no trace of the erased phone in the files"; fi

# A configuration may add junk values and patterns (any case, after NFKC).
cat >junk.yaml <<'Y'
identity:
  junk_values: ["info@*", "Keine Angabe"]
Y
"$BATON" config load --db junk.db junk.yaml >/dev/null
{
	ev j1 2026-03-01T10:00:00Z web t '{"user_id":"ja","email":"INFO@shop.example.com","nickname":"keine angabe"}'
	ev j2 2026-03-02T10:00:00Z web t '{"user_id":"jb","email":"info@shop.example.com","nickname":"KEINE ANGABE"}'
} >junk.ndjson
run "$BATON" ingest --db junk.db --json junk.ndjson
eq "configured junk values and patterns never link" "$(echo "$out" | jq -c '[.accepted,.refused]')" "[2,4]"
run "$BATON" summary --db junk.db --json
eq "the two strangers stay two" "$(echo "$out" | jq -c '[.profiles,.merges]')" "[2,0]"
cat >badjunk.yaml <<'Y'
touchpoints:
  - {id: web-form, may_link: []}
  - {id: app, may_link: [e mail]}
Y
run "$BATON" check --config badjunk.yaml
contains "may_link: empty is a mistake" "$err" "badjunk.yaml:2: touchpoint 'web-form': may_link must name at least one identifier type"
contains "may_link: a type name is checked" "$err" "badjunk.yaml:3: touchpoint 'app': may_link: 'e mail' is not an identifier type"

# Over HTTP: the ingest answer counts the refused identifiers, the profile
# lists them, and an analyst sees them masked like every identifier.
if command -v curl >/dev/null; then
	serve_start http.db --quiet || { notok "server starts"; exit 1; }
	H="Authorization: Bearer $(grep '^bt_' serve.out)"
	body=$(printf '%s\n%s\n' \
		'{"ts":"2026-03-01T10:00:00Z","source":"web","type":"t","ids":{"user_id":"h-1","email":"kim@example.com","phone":"tel 12"}}' \
		'{"ts":"2026-03-02T10:00:00Z","source":"web","type":"t","ids":{"user_id":"h-2","email":"lee@example.com","phone":"tel 12"}}' |
		curl -s -H "$H" -H "Content-Type: application/x-ndjson" --data-binary @- "$U/v1/events")
	eq "POST /v1/events: the answer counts the refusals" "$(echo "$body" | jq -c '[.accepted,.refused]')" "[2,2]"
	eq "GET /v1/profiles: the refusal with its reason" \
		"$(curl -s -H "$H" "$U/v1/profiles/user_id%3Ah-2" | jq -c '[.profile,.refusals]')" \
		'["P2",[{"event":2,"identifier":"phone:12","reason":"a phone number needs at least 7 digits"}]]'
	ANALYST=$("$BATON" token create --db http.db --role analyst | tail -n 1)
	eq "an analyst sees the refused identifier masked" \
		"$(curl -s -H "Authorization: Bearer $ANALYST" "$U/v1/profiles/user_id%3Ah-1" | jq -c '[.identifiers,.refusals[0].identifier]')" \
		'[["email:k**@example.com","user_id:h**"],"phone:1*"]'
	kill -TERM "$pid"
	wait "$pid"
fi
