# SPDX-License-Identifier: Apache-2.0
# What the code and the docs cite is in the repository: every docs/*.md and
# examples/* file named in a comment or a page exists, and nothing cites
# PRODUCT.md or ENGINE-NOTES.md, which a clone does not have (docs/ holds
# what a reader needs of them).
. "$BATON_ROOT/tests/cli/lib.sh"
cd "$BATON_ROOT" || exit 1
git rev-parse --git-dir >/dev/null 2>&1 || { echo "skip - not a git checkout"; exit 0; }

files=$(git ls-files 'src/*' 'include/*' 'server/*' 'cli/*' 'tests/*' 'bench/*' 'fuzz/*' \
	'docs/*' 'examples/*' README.md Makefile | grep -v '^tests/segment/\|^bench/package')
missing=""
for ref in $(grep -ohE '(docs|examples)/[A-Za-z0-9_.-]+\.(md|yaml|csv|ndjson)' $files | sort -u); do
	[ -e "$ref" ] || missing="$missing $ref"
done
eq "every docs/ and examples/ file cited exists" "$missing" ""

cites=$(grep -lE 'PRODUCT\.md|ENGINE-NOTES\.md' $files | grep -v '^tests/cli/doc_refs\.sh$')
eq "nothing cites PRODUCT.md or ENGINE-NOTES.md" "$cites" ""
