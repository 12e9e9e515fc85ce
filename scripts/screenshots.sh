#!/usr/bin/env bash
# Refreshes docs/screenshots/ from the demo data, in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/screenshots
SCREENSHOTS_DIR="$PWD/docs/screenshots" scripts/e2e.sh screenshots.spec.ts
