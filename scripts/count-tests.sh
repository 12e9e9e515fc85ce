#!/usr/bin/env bash
# Prints one line with what the test runners counted in a log: cargo's "test result" lines
# (ok or FAILED) and Playwright's summary ("N passed (…)", "N failed", "N flaky").
# Exits 1 when any test failed. Checked by server/tests/integration/test_script.rs.
set -euo pipefail
log=${1:?usage: count-tests.sh LOG}
sum() { awk -v f="$1" '{s+=$f} END {print s+0}'; }
cargo_passed=$(grep -hoE 'test result: (ok|FAILED)\. [0-9]+ passed' "$log" | sum 4 || true)
cargo_failed=$(grep -hoE 'test result: (ok|FAILED)\. [0-9]+ passed; [0-9]+ failed' "$log" | sum 6 || true)
browser_passed=$(grep -hoE '^ +[0-9]+ passed \(' "$log" | tail -n1 | sum 1 || true)
browser_failed=$(grep -hoE '^ +[0-9]+ failed$' "$log" | tail -n1 | sum 1 || true)
browser_flaky=$(grep -hoE '^ +[0-9]+ flaky$' "$log" | tail -n1 | sum 1 || true)
passed=$((cargo_passed + browser_passed))
failed=$((cargo_failed + browser_failed))
echo "all tests: ${passed} passed, ${failed} failed, ${browser_flaky} flaky (cargo ${cargo_passed} passed and ${cargo_failed} failed; browser ${browser_passed} passed and ${browser_failed} failed)"
[ "$failed" -eq 0 ]
