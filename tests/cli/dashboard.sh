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
W="$BATON_ROOT/web"
if [ ! -d "$W/node_modules/playwright-core" ] || [ ! -d "$W/node_modules/esbuild" ]; then
	(cd "$W" && npm ci --no-audit --no-fund --loglevel=error) >npm.log 2>&1 || { cat npm.log; notok "npm ci in web/"; exit 1; }
fi
node "$W/build.mjs" "$PWD/web" >build.log 2>&1
eq "the dashboard builds" "$?" 0

"$BATON" demo --db d.db --customers 300 --seed 1 --end 2026-06-01 >demo.log 2>&1 || { notok "demo database"; exit 1; }
tok() { "$BATON" token create --db d.db "$@" | tail -n 1; }
OWNER=$(tok --role owner --person maria --name "Maria Lopez")
AGENT=$(tok --role agent --name Agent)
ANALYST=$(tok --role analyst --name Analyst)
TEAM=$(tok --role team --team billing --name "Billing lead")

# The dashboard half of the server (sign-in, sessions, the pages) is being
# built on main; until `baton serve` has it, tests/web/shim.mjs stands in.
if "$BATON" serve --help | grep -q -- '--web-dir'; then
	serve_start d.db --quiet --web-dir "$PWD/web" || { notok "server starts"; exit 1; }
	ADMIN=$(grep '^bt_' serve.out)
	DASH=$U
else
	serve_start d.db --quiet || { notok "server starts"; exit 1; }
	ADMIN=$(grep '^bt_' serve.out)
	cat >sessions.json <<JSON
{"$ADMIN": {"role": "admin", "person": null, "team": null, "name": "first admin"},
 "$OWNER": {"role": "owner", "person": "maria", "team": null, "name": "Maria Lopez"},
 "$AGENT": {"role": "agent", "person": null, "team": null, "name": "Agent"},
 "$ANALYST": {"role": "analyst", "person": null, "team": null, "name": "Analyst"},
 "$TEAM": {"role": "team", "person": null, "team": "billing", "name": "Billing lead"}}
JSON
	sport=$(free_port)
	node "$BATON_ROOT/tests/web/shim.mjs" "$sport" "$U" "$PWD/web" sessions.json >shim.log 2>&1 &
	shim=$!
	DASH="http://127.0.0.1:$sport"
	for _ in $(seq 50); do curl -s "$DASH/login" >/dev/null 2>&1 && break; sleep 0.1; done
fi
printf '{"admin":"%s","owner":"%s","agent":"%s","analyst":"%s","team":"%s"}\n' \
	"$ADMIN" "$OWNER" "$AGENT" "$ANALYST" "$TEAM" >tokens.json

DASH=$DASH API=$U TOKENS=tokens.json SHOTS="$BATON_ROOT/build/screenshots" CHROMIUM=$CHROMIUM \
	node "$BATON_ROOT/tests/web/dashboard.mjs" 2>browser.log
rc=$?
[ "$rc" = 0 ] || { echo "# browser test exit $rc"; sed 's/^/#   /' browser.log | tail -n 20; }
[ -n "${shim:-}" ] && kill "$shim"
kill -TERM "$pid"
wait "$pid"
