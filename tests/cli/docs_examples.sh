# SPDX-License-Identifier: Apache-2.0
# Every example in README.md and docs/*.md works (docs/cli.md says how the
# pages mark them):
# - each line of an ```sh block that runs baton (`baton ...` or
#   `build/baton ...`) exits 0, or the N its `# exit N` comment says; each
#   block runs in order on a fresh copy of one demo database, from a folder
#   that has the repository's examples/ and build/baton;
# - each `baton CMD ...` line of a plain ``` block is a synopsis: CMD is a
#   command and every --option it names is in `baton CMD --help`;
# - each `$ baton ...` line of a plain block is a transcript: the command
#   prints exactly the lines under it (standard output and error).
. "$BATON_ROOT/tests/cli/lib.sh"

mkdir seed && "$BATON" demo --db seed/baton.db --customers 200 --seed 1 >/dev/null || notok "the demo database"
mkdir -p bin build
ln -s "$BATON" bin/baton
ln -s "$BATON" build/baton
ln -s "$BATON_ROOT/examples" examples
PATH="$PWD/bin:$PATH"

# One record a line, fields separated by tabs: RUN place block command,
# SYN place command, TX place command expected (its lines joined by \037).
for f in "$BATON_ROOT/README.md" "$BATON_ROOT"/docs/*.md; do
	awk -v file="${f#"$BATON_ROOT"/}" '
	function flush() { if (tx != "") print "TX\t" txat "\t" tx "\t" want; tx = "" }
	/^```/ {
		if (!inb) { inb = 1; lang = substr($0, 4); start = FNR; next }
		flush(); inb = 0; next
	}
	!inb { next }
	lang == "sh" && /^(build\/)?baton / { print "RUN\t" file ":" FNR "\t" file ":" start "\t" $0; next }
	lang != "" { next }
	/^\$ / { flush(); tx = substr($0, 3); txat = file ":" FNR; want = ""; first = 1; next }
	tx != "" { want = first ? $0 : want "\037" $0; first = 0; next }
	/^baton [a-z-]+( |$)/ { print "SYN\t" file ":" FNR "\t" $0 }
	' "$f"
done >examples.txt

nrun=$(grep -c '^RUN' examples.txt)
nsyn=$(grep -c '^SYN' examples.txt)
[ "$nrun" -ge 40 ] && ok "found $nrun examples to run" || notok "found only $nrun examples to run"
[ "$nsyn" -ge 20 ] && ok "found $nsyn synopses" || notok "found only $nsyn synopses"
[ "$(grep -c '^RUN	README.md' examples.txt)" -ge 7 ] && ok "the README's examples are among them" || notok "the README's examples are missing"

# (each loop reads a file, not a pipe, so that it runs in this shell and
# the checks keep their numbers)
tab=$(printf '\t')
grep '^RUN' examples.txt >run.txt
grep '^SYN' examples.txt >synopses.txt
grep '^TX' examples.txt >transcripts.txt
block=""
while IFS="$tab" read -r _ at blk cmd; do
	if [ "$blk" != "$block" ]; then
		block=$blk
		rm -rf run && cp -R seed run
	fi
	want=0
	case $cmd in *"# exit "[0-9]*) want=$(echo "$cmd" | sed 's/.*# exit \([0-9]*\).*/\1/') ;; esac
	BATON_DB="$PWD/run/baton.db" timeout 60 sh -c "$cmd" </dev/null >example.out 2>example.err
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$at: $cmd"; else
		notok "$at: $cmd"
		echo "#   exit $rc, want $want; its standard error:"
		sed 's/^/#   /' example.err | head -n 10
	fi
done <run.txt

while IFS="$tab" read -r _ at line; do
	cmd=$(echo "$line" | awk '{print $2}')
	help=$("$BATON" "$cmd" --help 2>&1) || { notok "$at: '$cmd' is no command"; continue; }
	missing=""
	for o in $(echo "$line" | grep -o -- '--[a-z][a-z-]*'); do
		echo "$help" | grep -qE -- "$o([^a-z-]|\$)" || missing="$missing $o"
	done
	eq "$at: the options of '$line' are in 'baton $cmd --help'" "$missing" ""
done <synopses.txt

while IFS="$tab" read -r _ at cmd want; do
	got=$(BATON_DB="$PWD/seed/baton.db" sh -c "$cmd" 2>&1 </dev/null)
	eq "$at: \$ $cmd" "$got" "$(printf '%s' "$want" | tr '\037' '\n')"
done <transcripts.txt
