#!/usr/bin/env bash
# Measures what a visitor downloads: the share link's first load (HTML and every asset it
# pulls, compressed as the server sends them) and the server-rendered HTML of a parcel with
# 200 events. Uses the release build (scripts/run.sh or `cargo leptos build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/waybill
[ -x "$bin" ] && [ -x target/release/waybill-tools ] || { echo "build first: scripts/run.sh (or cargo leptos build --release and cargo build --release -p tools)"; exit 1; }

work=$(mktemp -d)
port=${WEIGHT_PORT:-3108}
base="http://127.0.0.1:${port}"
export WAYBILL_ADDR="127.0.0.1:${port}" WAYBILL_DATABASE_URL="sqlite://${work}/w.db?mode=rwc" WAYBILL_STORAGE_URL="file://${work}/pod"
# Every carrier's secret, from the carrier profiles (one VARIABLE=value line each).
secrets=$(target/release/waybill-tools env --label page-weight)
while IFS= read -r line; do export "$line"; done <<<"$secrets"
export LEPTOS_SITE_ROOT="$PWD/target/site" RUST_LOG=warn
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

target/release/waybill-tools demo --url "$base" --links-out "$work/links.json" >/dev/null
# A KeyDelivery parcel with 200 events, in one push.
python3 - "$work/200.json" <<'PY'
import json, sys, datetime
start = datetime.datetime(2025, 1, 1, 8, 0)
statuses = ["Accepted", "In transit", "In transit", "Out for delivery"]
items = [{"context": f"Scan {i} at sorting centre {i % 7}", "time": (start + datetime.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
          "order_status_description": statuses[i % 4], "area_name": "Rotterdam", "location": f"Hub {i % 7}"} for i in range(200)]
json.dump({"event": "update", "tracking_number": "WEIGHT-200", "items": list(reversed(items))}, open(sys.argv[1], "w"))
PY
curl -fsS -H 'content-type: application/json' --data-binary @"$work/200.json" "$base/webhooks/keydelivery?token=${WAYBILL_KEYDELIVERY_TOKEN}" >/dev/null

size() { curl -fsS -o /dev/null -H "Accept-Encoding: $2" -w '%{size_download}' "$base$1"; }
share=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["WB-DEMO-1001"]["share"])' "$work/links.json")
html=$(curl -fsS "$base$share")
# What the browser fetches on its own: stylesheets, icons, preloads, scripts, images.
assets=$(printf '%s' "$html" | python3 -c '
import sys
from html.parser import HTMLParser
class Assets(HTMLParser):
    def __init__(self):
        super().__init__(); self.found = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = a.get("href") if tag == "link" else a.get("src") if tag in ("script", "img") else None
        if url and url.startswith("/") and url not in self.found:
            self.found.append(url)
p = Assets(); p.feed(sys.stdin.read()); print("\n".join(p.found))')

printf '%-52s %12s %12s\n' "share link first load" "raw bytes" "br bytes"
total_raw=0; total_br=0
for path in "$share" $assets; do
  raw=$(size "$path" identity); br=$(size "$path" br)
  total_raw=$((total_raw + raw)); total_br=$((total_br + br))
  printf '%-52s %12d %12d\n' "${path:0:52}" "$raw" "$br"
done
printf '%-52s %12d %12d   (budget 350 KB = 358400 compressed)\n' "TOTAL" "$total_raw" "$total_br"
echo
printf '%-52s %12d %12d   (budget 60 KB = 61440)\n' "SSR HTML, /track/WEIGHT-200 (200 events)" "$(size /track/WEIGHT-200 identity)" "$(size /track/WEIGHT-200 br)"
printf '%-52s %12d %12d\n' "SSR HTML, /track/WEIGHT-200?all=1 (every event)" "$(size '/track/WEIGHT-200?all=1' identity)" "$(size '/track/WEIGHT-200?all=1' br)"
