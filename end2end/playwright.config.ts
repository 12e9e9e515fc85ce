// Playwright drives the machine's Chromium (Debian's package): Playwright's own browser
// download is not available here. scripts/e2e.sh starts the server and sets E2E_BASE_URL.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  // No retries: a test that passes only on its second try is a bug to fix, not to hide.
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    // Without retries, the trace of the failed run itself is what tells why.
    trace: "retain-on-failure",
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
