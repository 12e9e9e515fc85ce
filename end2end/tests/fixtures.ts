// The `test` every browser test uses: it fails a test on any script error (an uncaught
// exception, a panic in the WebAssembly, a hydration error) or console error the page
// logged, so that a page which renders but breaks once hydrated cannot pass. Failed loads
// of carriers' remote images (no network here) and a page's own deliberate 404 are the
// only console errors let through.
import { test as base, expect } from "@playwright/test";

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        const text = m.text();
        const remote = text.includes("ERR_NAME_NOT_RESOLVED");
        const ownNotFound = text.startsWith("Failed to load resource: the server responded with a status of 404");
        if (m.type() === "error" && !remote && !ownNotFound) errors.push(`console: ${text}`);
      });
      await use(errors);
      expect(errors, "script or console errors on the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
