# SPDX-License-Identifier: Apache-2.0
# What the command says when it is used wrongly: an unknown command, action
# or option is reported once, naming it, with the nearest known name; a
# missing or unwanted option value names the option.  And -o is --output.
. "$BATON_ROOT/tests/cli/lib.sh"
D="$BATON_ROOT/tests/data"

# err_is DESC WANT-STDERR CMD...: exit 1, nothing on stdout, exactly WANT on stderr
err_is() {
	desc=$1 want=$2
	shift 2
	run "$@"
	eq "$desc" "$rc|$out|$err" "1||$want"
}

err_is "an unknown option, once, with the nearest one" \
	"baton kpis: unknown option '--form' (did you mean '--from'?)
(see 'baton kpis --help')" "$BATON" kpis --form 2026-01-01
err_is "an unknown option with a value attached" \
	"baton kpis: unknown option '--jsno' (did you mean '--json'?)
(see 'baton kpis --help')" "$BATON" kpis --jsno=1
err_is "an unknown option nothing is near" \
	"baton ingest: unknown option '--xyzzy'
(see 'baton ingest --help')" "$BATON" ingest --xyzzy a.ndjson
err_is "an unknown short option" \
	"baton profile: unknown option '-x'
(see 'baton profile --help')" "$BATON" profile -x email:a@b.c
err_is "a prefix of two options is ambiguous" \
	"baton report: option '--f' is ambiguous: it could be --from, --format
(see 'baton report --help')" "$BATON" report --f md
err_is "a long option without its value" \
	"baton kpis: option '--as-of' needs a value
(see 'baton kpis --help')" "$BATON" kpis --as-of
err_is "a short option without its value" \
	"baton report: option '-o' needs a value
(see 'baton report --help')" "$BATON" report -o
err_is "a value given to an option that takes none" \
	"baton summary: option '--json' takes no value
(see 'baton summary --help')" "$BATON" summary --json=yes
err_is "an unknown command, with the nearest one" \
	"baton: unknown command 'kpi' (did you mean 'kpis'?)
(see 'baton --help' for the commands)" "$BATON" kpi
err_is "an unknown command nothing is near" \
	"baton: unknown command 'frobnicate'
(see 'baton --help' for the commands)" "$BATON" frobnicate
err_is "an unknown action of config" \
	"baton config: unknown action 'shwo' (did you mean 'show'?)
(see 'baton config --help')" "$BATON" config shwo
err_is "an unknown action of token" \
	"baton token: unknown action 'craete' (did you mean 'create'?)
(see 'baton token --help')" "$BATON" token craete --role admin
err_is "an unknown action of dead-letters" \
	"baton dead-letters: unknown action 'lsit' (did you mean 'list'?)
(see 'baton dead-letters --help')" "$BATON" dead-letters lsit

# -o is the short form of --output
"$BATON" ingest "$D/scenario_a.ndjson" >/dev/null 2>&1
"$BATON" config load "$D/kpi.yaml" >/dev/null
run "$BATON" report -o short.md
eq "report -o FILE writes the file and nothing else" "$rc|$out|$err" "0||"
"$BATON" report --output long.md
eq "the same report as --output" "$(cmp short.md long.md && echo same)" same
contains "and it is the report" "$(cat short.md)" "# Journey report"
run "$BATON" demo -o demo.ndjson --customers 3 --seed 7
eq "demo -o FILE writes the events" "$rc|$(head -c 1 demo.ndjson)" "0|{"

# bad option values are refused, naming the option and the value
err_is "kpis: --from later than --to" \
	"baton kpis: --from '2026-03-01' must be before --to '2026-02-01' (the period is [from, to))
(see 'baton kpis --help')" "$BATON" kpis --from 2026-03-01 --to 2026-02-01
err_is "report: --from later than --to" \
	"baton report: --from '2026-01-02T00:00:00Z' must be before --to '2026-01-01' (the period is [from, to))
(see 'baton report --help')" "$BATON" report --to 2026-01-01 --from 2026-01-02T00:00:00Z -o never.md
eq "and no report is written" "$(ls never.md 2>/dev/null)" ""
err_is "an empty period: --from the same as --to" \
	"baton kpis: --from '2026-01-01' must be before --to '2026-01-01T00:00:00Z' (the period is [from, to))
(see 'baton kpis --help')" "$BATON" kpis --input "$D/scenario_a.ndjson" --from 2026-01-01 --to 2026-01-01T00:00:00Z
run "$BATON" kpis --json --from 2026-01-01 --to 2026-01-01T00:00:01Z
eq "a period of one second is a period" "$rc $(echo "$out" | jq '.journeys[0].instances')" "0 0"
err_is "a time that is no time" \
	"baton: --as-of: 'yesterday' is not a time (use RFC 3339 like 2026-03-01T10:00:00Z, or a date like 2026-03-01)" \
	"$BATON" report --as-of yesterday

# a token's team and person must be in the stored configuration (kpi.yaml:
# teams digital, service, billing, marketing; people maria, tom)
err_is "token create --person nobody" \
	"baton: --person 'nobody' is not one of the people of the configuration" \
	"$BATON" token create --role owner --person nobody
err_is "token create --person with a typo" \
	"baton: --person 'mraia' is not one of the people of the configuration (did you mean 'maria'?)" \
	"$BATON" token create --role owner --person mraia
err_is "token create --team nosuch" \
	"baton: --team 'nosuch' is not one of the teams of the configuration" \
	"$BATON" token create --role team --team nosuch
err_is "token create --team with a typo" \
	"baton: --team 'biling' is not one of the teams of the configuration (did you mean 'billing'?)" \
	"$BATON" token create --role team --team biling
err_is "a team without a configuration" \
	"baton: --team 'billing': the stored configuration has no teams (load one with 'baton config load FILE')" \
	"$BATON" token create --db bare.db --role team --team billing
err_is "an unknown role, with the nearest" \
	"baton token: --role 'admn' is not a role (did you mean 'admin'?); roles: admin, owner, analyst, team, agent, ingest
(see 'baton token --help')" "$BATON" token create --role admn
run "$BATON" token list
eq "none of them made a token" "$out" "no tokens"
run "$BATON" token create --role team --team billing --person maria
eq "a known team and person make one" "$rc $(echo "$out" | head -n 1)" "0 token 1 (team, team billing) created; it is shown only now:"
