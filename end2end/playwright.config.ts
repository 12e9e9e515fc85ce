// Playwright drives the machine's Chromium (Debian's package): Playwright's own browser
// download is not available here. scripts/e2e.sh starts the server and sets E2E_BASE_URL.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  // One retry, reported as "flaky" in the output: a rare no-JavaScript run was seen to
  // fail once without reproducing in many runs; the trace of a retry shows why.
  retries: 1,
  workers: 1,
  reporter: [["list"]],
  use: {
    trace: "on-first-retry",
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:3107",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        // A second host name on this machine, for the brand tests (scripts/e2e.sh).
        "--host-resolver-rules=MAP *.example 127.0.0.1",
      ],
    },
  },
});
