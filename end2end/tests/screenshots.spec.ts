// Screenshots for the README (docs/screenshots/), taken only when SCREENSHOTS_DIR is set:
// scripts/screenshots.sh does that. Phone and desktop, light and dark, English and Dutch,
// and a branded page (the tulip.example brand scripts/e2e.sh configures).
import { test } from "@playwright/test";
import { readFileSync } from "node:fs";

const dir = process.env.SCREENSHOTS_DIR;
const links = dir ? JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8")) : {};
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

const brand = process.env.E2E_BRAND_URL ?? "http://tulip.example:3107";
const shots: [string, () => string, { width: number; height: number }, "light" | "dark"][] = [
  ["public-desktop-light", () => links["WB-DEMO-1002"].public, desktop, "light"],
  ["public-phone-dark-nl", () => `${links["WB-DEMO-1002"].public}?lang=nl`, phone, "dark"],
  ["branded-phone-light-nl", () => `${brand}${links["WB-DEMO-1001"].share}?lang=nl`, phone, "light"],
  ["branded-desktop-dark", () => `${brand}${links["WB-DEMO-1002"].public}?lang=en`, desktop, "dark"],
  ["share-phone-light", () => links["del_WBDEMO3001"].share, phone, "light"],
  ["share-phone-dark", () => links["del_WBDEMO3001"].share, phone, "dark"],
  ["share-desktop-light", () => links["WB-DEMO-1001"].share, desktop, "light"],
  ["share-desktop-dark", () => links["WB-DEMO-1001"].share, desktop, "dark"],
  ["error-phone-light", () => "/track/NO-SUCH-PARCEL", phone, "light"],
];

for (const [name, url, viewport, colorScheme] of shots) {
  test(`screenshot ${name}`, async ({ browser }) => {
    test.skip(!dir, "set SCREENSHOTS_DIR to take screenshots");
    const context = await browser.newContext({ viewport, colorScheme });
    const page = await context.newPage();
    await page.goto(url());
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
    await context.close();
  });
}

// The back office, signed in as the account scripts/e2e.sh creates.
const staffShots: [string, string][] = [
  ["staff-search-desktop-light", "/staff"],
  ["staff-parcel-desktop-light", "/staff/parcels/depot/WB-DEMO-1001"],
  ["staff-quarantine-desktop-light", "/staff/quarantine"],
];

for (const [name, path] of staffShots) {
  test(`screenshot ${name}`, async ({ browser, request }) => {
    test.skip(!dir, "set SCREENSHOTS_DIR to take screenshots");
    // Something for the quarantine to show: a Peddler body without its fields.
    await request.post("/webhooks/peddler", {
      headers: { "x-webhook-shared-token": process.env.WAYBILL_PEDDLER_TOKEN ?? "", "content-type": "application/json" },
      data: '{"carrierTrackingNumber": "P-BROKEN-1", "status": "DELIVERED"}',
    });
    const context = await browser.newContext({ viewport: desktop, colorScheme: "light" });
    const page = await context.newPage();
    await page.goto("/staff/login");
    await page.getByLabel("Email").fill(process.env.E2E_STAFF_EMAIL ?? "");
    await page.getByLabel("Password").fill(process.env.E2E_STAFF_PASSWORD ?? "");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/staff$/);
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
    await context.close();
  });
}
