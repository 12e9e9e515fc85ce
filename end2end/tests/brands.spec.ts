// The shop's own brand in a real browser: two hosts show two brands (scripts/e2e.sh gives
// tulip.example a brand of its own), the branded page passes axe in light and dark, its
// times are rendered in the brand's zone until the browser shows its own, and the share
// link prints as a proof of delivery.
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";

type Links = Record<string, { carrier: string; public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));
const brandUrl = process.env.E2E_BRAND_URL ?? "http://tulip.example:3107";

test("two hosts show two brands, each in its title, header, colours and footer", async ({ page }) => {
  await page.goto(`${brandUrl}/`);
  await expect(page.locator(".brand-name")).toHaveText("Tulip Flowers");
  // The browser asks for English (Playwright's en-US); the brand's Dutch is for browsers
  // that ask for neither (server/tests/integration/brands_and_zones.rs).
  await expect(page).toHaveTitle("Track your parcel · Tulip Flowers");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator(".site-footer")).toContainText("Bloemgracht 1");
  const accent = await page.locator(".track-form button").evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(accent).toBe("rgb(122, 31, 92)");

  await page.goto("/");
  await expect(page.locator(".brand-name")).toHaveText("Waybill");
  await expect(page).not.toHaveTitle(/Tulip/);
  const own = await page.locator(".track-form button").evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(own).not.toBe(accent);
  await expect(page.locator(".site-footer")).toHaveCount(0);
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`a branded tracking page passes axe in ${colorScheme}`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(`${brandUrl}${links["WB-DEMO-1002"].public}`);
    await expect(page.locator(".parcel-status")).toHaveText("Terug in het depot");
    await expect(page.locator("html")).toHaveAttribute("lang", "nl");
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await context.close();
  });
}

test("the server renders the brand's zone, and the hydrated page the visitor's", async ({ browser }) => {
  const open = async (javaScriptEnabled: boolean) => {
    const context = await browser.newContext({ javaScriptEnabled, timezoneId: "America/New_York", locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${brandUrl}${links["WB-DEMO-1001"].public}?lang=en`);
    return { context, time: page.locator(".eta.delivered time") };
  };
  const served = await open(false);
  await expect(served.time).toHaveText(/\d\d:\d\d CES?T$/);
  await served.context.close();
  const hydrated = await open(true);
  await expect(hydrated.time).toHaveText(/\d\d( [AP]M)? E[SD]T$/);
  await hydrated.context.close();
});

test("the share link prints as a proof of delivery: parcel, time, carrier, images, no navigation", async ({ page }) => {
  await page.goto(links["WB-DEMO-1001"].share);
  await expect(page.locator(".pods")).toBeVisible();
  await expect(page.locator(".print-hint")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  for (const hidden of [".language-switch", ".timeline", ".print-hint", ".progress"]) {
    await expect(page.locator(hidden).first(), `${hidden} is not printed`).toBeHidden();
  }
  for (const shown of [".tracking-number", ".carrier", ".eta.delivered time", ".pods .pod-image"]) {
    await expect(page.locator(shown).first(), `${shown} is printed`).toBeVisible();
  }
  const pdf = await page.pdf({ format: "A4" });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(5_000);
});
