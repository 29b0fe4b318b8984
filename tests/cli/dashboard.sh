# SPDX-License-Identifier: Apache-2.0
# The dashboard in a real browser: tests/web/dashboard.mjs drives Debian's
# Chromium with playwright-core against `baton serve` on a demo database
# (every page, the figures against the API, the roles, an XSS corpus,
# axe-core, screenshots into build/screenshots/).  Skips when node or
# chromium is missing.
. "$BATON_ROOT/tests/cli/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || { echo "skip - node is not installed"; exit 0; }
[ -x "$CHROMIUM" ] || { echo "skip - chromium is not installed ($CHROMIUM)"; exit 0; }
# the binary serves the dashboard built into it from web/ (make builds it
# with web/'s pinned packages, which this test's browser tools come from)
[ -d "$BATON_ROOT/web/node_modules/playwright-core" ] || { echo "skip - web/node_modules is not installed (make builds it)"; exit 0; }

"$BATON" demo --db d.db --customers 300 --seed 1 --end 2026-06-01 >demo.log 2>&1 || { notok "demo database"; exit 1; }
tok() { "$BATON" token create --db d.db "$@" | tail -n 1; }
OWNER=$(tok --role owner --person maria --name "Maria Lopez")
AGENT=$(tok --role agent --name Agent)
ANALYST=$(tok --role analyst --name Analyst)
TEAM=$(tok --role team --team billing --name "Billing lead")

serve_start d.db --quiet || { notok "server starts"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)
page=$(curl -s -H 'Accept: text/html' "$U/")
contains "the dashboard is built into baton" "$page" '<script type="module" src="/assets/app.'
printf '{"admin":"%s","owner":"%s","agent":"%s","analyst":"%s","team":"%s"}\n' \
	"$ADMIN" "$OWNER" "$AGENT" "$ANALYST" "$TEAM" >tokens.json

DASH=$U API=$U TOKENS=tokens.json SHOTS="$BATON_ROOT/build/screenshots" CHROMIUM=$CHROMIUM \
	node "$BATON_ROOT/tests/web/dashboard.mjs" 2>browser.log
rc=$?
eq "the browser test ran to its end" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/#   /' browser.log | tail -n 20
kill -TERM "$pid"
wait "$pid"
