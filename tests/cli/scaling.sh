# SPDX-License-Identifier: Apache-2.0
# docs/scaling.md against the schema src/store/pg.c makes: every table of a
# fresh PostgreSQL database is placed in the Citus layout of the page
# (distributed by a column, a reference table, or local on the
# coordinator), each distributed table's row in the page names the column
# given here, and the unique constraints and indexes that do not include
# the distribution column (which Citus cannot enforce: docs/scaling.md,
# rule 1) are exactly the three the page lists under "Schema changes
# needed".  A new table, or a new unique key that breaks the layout, fails
# here until the page says what to do with it.  Runs on the PostgreSQL of
# BATON_TEST_PG_DIR (tests/pg.sh run), else starts one of its own; skips
# when none can be started.
. "$BATON_ROOT/tests/cli/lib.sh"
runs_once "it checks the PostgreSQL schema itself"
PGSH="$BATON_ROOT/tests/pg.sh"
DOC="$BATON_ROOT/docs/scaling.md"
own=""
if [ -z "${BATON_TEST_PG_DIR:-}" ]; then
	if ! own=$("$PGSH" start 2>pgstart.log); then
		echo "skip - PostgreSQL cannot be started here: $(head -n 1 pgstart.log)"
		exit 0
	fi
	BATON_TEST_PG_DIR=$own
fi
trap '[ -n "$own" ] && "$PGSH" stop "$own"' EXIT
tag=$(basename "$PWD" | tr -c 'a-zA-Z0-9\n' '_')
PG=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "s$tag")
export BATON_SECRET_KEY=test-secret-of-at-least-thirty-two-characters
psql_do() { psql -X -q -At -F ' ' -h "$BATON_TEST_PG_DIR" -U baton -d "s$tag" -c "$1"; }

# the layout of docs/scaling.md: table, then its distribution column, or
# "reference" or "local"
layout='event_log first_seq
identifiers id
profiles id
conflicts ident
merges seq
refusals seq
apart seq
dead_letters hash
suppressed hash
webhook_deliveries local
webhook_attempts local
commits local
baton_schema local
tokens reference
ended_sessions reference
journey_rules reference
rule_changes reference
escalation_acts reference
announced reference
followup_closes reference
actions reference
initiatives reference
calendar reference
calendar_journeys reference
webhooks reference
meta reference'

run "$BATON" token create --db "$PG" --role admin
eq "a writer makes the schema on a fresh database" "$rc" 0

tables=$(psql_do "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
placed=$(echo "$layout" | cut -d' ' -f1 | sort)
eq "every table of the schema is placed in the layout, and no other" \
	"$(echo "$tables" | tr '\n' ' ')" "$(echo "$placed" | tr '\n' ' ')"

# the page says the same: a distributed table's row names its column; a
# reference or local table is named in its paragraph
bad=""
while read -r t how; do
	row=$(grep "^| [^|]*\`$t\`[^|]*|" "$DOC" | head -n 1)
	case $how in
	reference) grep '^\*\*Reference tables\*\*' -A4 "$DOC" | grep -q "\`$t\`" || bad="$bad $t" ;;
	local)
		case $row in
		*"| — (local"*) ;;
		*) grep '^\*\*Local on the coordinator\*\*' -A3 "$DOC" | grep -q "\`$t\`" || bad="$bad $t" ;;
		esac
		;;
	*) echo "$row" | awk -F' [|] ' -v c="\`$how\`" 'index($3, c) == 1 {f = 1} END {exit !f}' || bad="$bad $t" ;;
	esac
done <<L
$layout
L
eq "docs/scaling.md places each table as the layout does" "$bad" ""

# unique keys without the distribution column
uniq=$(psql_do "SELECT t.relname, i.relname, string_agg(a.attname, ',' ORDER BY a.attname)
	FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
	JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey)
	WHERE x.indisunique AND t.relnamespace = current_schema()::regnamespace GROUP BY 1, 2 ORDER BY 1, 2")
eq "the unique keys are read from the catalogue" "$(echo "$uniq" | grep -c '^event_log event_log_pkey first_seq$')" 1
breaks=""
while read -r t idx cols; do
	col=$(echo "$layout" | awk -v t="$t" '$1 == t {print $2}')
	case $col in reference | local) continue ;; esac
	case ",$cols," in *",$col,"*) ;; *) breaks="$breaks $t.$idx($cols)" ;; esac
done <<U
$uniq
U
eq "the unique keys Citus could not enforce are the three docs/scaling.md changes" "$breaks" \
	" conflicts.conflicts_pkey(seq) dead_letters.dead_letters_pkey(id) identifiers.identifiers_ident_key(ident)"
for c in '**`identifiers.ident TEXT UNIQUE`**' '**`conflicts.seq` primary key**' '**`dead_letters.id` primary key**'; do
	contains "docs/scaling.md says how to change $c" "$(cat "$DOC")" "$c"
done
