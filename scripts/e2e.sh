#!/usr/bin/env bash
# Starts the built server on a spare port with a throw-away database and POD directory,
# loads the demo deliveries, and runs the Playwright tests in end2end/ against it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

bin=${WAYBILL_BIN:-target/debug/waybill}
# The demo loader is `waybill-tools`, built beside the server binary.
tools="$(dirname "$bin")/waybill-tools"

work=$(mktemp -d)
port=${E2E_PORT:-3107}
export WAYBILL_ADDR="127.0.0.1:${port}"
export WAYBILL_DATABASE_URL="sqlite://${work}/waybill.db?mode=rwc"
export WAYBILL_STORAGE_URL="file://${work}/pod"
# Every carrier's secret, one VARIABLE=value line each, from the carrier profiles: no list
# of carriers here to forget one in.
secrets=$("$tools" env --label e2e)
while IFS= read -r line; do export "$line"; done <<<"$secrets"
# A second brand, for pages opened at tulip.example (the browser maps *.example to
# loopback, see end2end/playwright.config.ts); 127.0.0.1 gets the default brand.
cat >"$work/brands.toml" <<'TOML'
[[brand]]
hosts = ["tulip.example"]
name = "Tulip Flowers"
logo_url = "/favicon.svg"
accent = "#7a1f5c"
accent_dark = "#f0a6d4"
support = "help@tulip.example"
footer = "Tulip Flowers B.V. · Bloemgracht 1, Amsterdam"
language = "nl"
time_zone = "Europe/Amsterdam"
TOML
export WAYBILL_BRANDS_FILE="$work/brands.toml"
# A real SMTP server (aiosmtpd) for the mail tests; its messages are read over HTTP.
smtp_port=$((port + 10)) mail_log_port=$((port + 11))
python3 server/tests/integration/common/smtp_sink.py "$smtp_port" "$mail_log_port" >/dev/null 2>&1 &
smtp=$!
export WAYBILL_SMTP_URL="smtp://127.0.0.1:${smtp_port}" WAYBILL_MAIL_FROM="Waybill demo <track@waybill.example>"
export E2E_MAIL_LOG="http://127.0.0.1:${mail_log_port}/"
export WAYBILL_PUBLIC_URL="http://127.0.0.1:${port}" WAYBILL_OUTBOUND_POLL_MS=100
export E2E_BRAND_URL="http://tulip.example:${port}"
# The site the binary was built with: release builds write target/site, debug builds
# target/site-debug (see scripts/test.sh).
case "$bin" in
  *release*) export LEPTOS_SITE_ROOT="$PWD/target/site" ;;
  *) export LEPTOS_SITE_ROOT="$PWD/target/site-debug" ;;
esac

(cd "$work" && exec "$OLDPWD/$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server $smtp 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -fsS "http://${WAYBILL_ADDR}/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://${WAYBILL_ADDR}/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }

# A staff account for the back office tests; the password goes in on standard input.
export E2E_STAFF_EMAIL="e2e-staff@example.com" E2E_STAFF_PASSWORD="e2e staff password"
printf '%s\n' "$E2E_STAFF_PASSWORD" | "$bin" create-staff --email "$E2E_STAFF_EMAIL" >/dev/null
"$tools" demo --url "http://${WAYBILL_ADDR}" --links-out "$work/links.json"
# Every carrier as the browser tests post as it: paths, authentication, demo parcels and a
# next delivery, signed with the secrets above (end2end/tests/journeys.spec.ts).
"$tools" env --label e2e --json >"$work/carriers.json"
export E2E_BASE_URL="http://${WAYBILL_ADDR}"
export E2E_LINKS="$work/links.json" E2E_CARRIERS="$work/carriers.json"
(cd end2end && npx playwright test "$@")
