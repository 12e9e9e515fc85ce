// Every page kind a customer opens, with JavaScript on, hydrates without an error (the
// fixture fails the test on any script or console error) and is live afterwards: times are
// rewritten into the visitor's zone (only the hydrated page does that), and the links and
// switches still work. A release server once served a debug build's WebAssembly from the
// same site directory, and every page load then panicked in hydration; debug builds now
// have a site directory of their own (scripts/test.sh, scripts/e2e.sh).
import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";

type Links = Record<string, { carrier: string; public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));

test.use({ javaScriptEnabled: true, timezoneId: "Europe/Amsterdam", locale: "en-GB" });

/** Waits until the page's times are shown in the visitor's zone: the page has hydrated. */
async function expectHydrated(page: Page) {
  await expect(page.locator("time").first()).toHaveText(/CES?T|GMT\+[12]/);
  await expect(page.locator("time", { hasText: "UTC" })).toHaveCount(0);
}

test("the public page and the share link hydrate, and the language switch works after it", async ({ page }) => {
  for (const path of [links["WB-DEMO-1001"].public, links["WB-DEMO-1001"].share, links["del_WBDEMO3001"].share]) {
    await page.goto(path);
    await expectHydrated(page);
    await page.getByRole("link", { name: "Nederlands" }).click();
    await expect(page).toHaveURL(/lang=nl/);
    await expect(page.locator("h1.parcel-status")).not.toHaveText(/Delivered|Out for delivery/);
    await expectHydrated(page);
    await page.getByRole("link", { name: "English" }).click();
    await expect(page).toHaveURL(/lang=en/);
    await expectHydrated(page);
  }
});

test("the home page's form finds a parcel typed the way a phone types it", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Tracking number").fill("Wb-demo-1002");
  await page.getByRole("button", { name: "Track" }).click();
  await expect(page.locator(".tracking-number")).toHaveText("WB-DEMO-1002");
  await expectHydrated(page);
});

test("a number that finds nothing is offered again, and the form works from there", async ({ page }) => {
  const response = await page.goto("/track/WB-DEMO-9999");
  expect(response?.status()).toBe(404);
  await expect(page.locator(".typed-number")).toContainText("WB-DEMO-9999");
  const field = page.getByLabel("Tracking number");
  await expect(field).toHaveValue("WB-DEMO-9999");
  await field.fill("wb demo 1003");
  await page.getByRole("button", { name: "Track" }).click();
  await expect(page.locator(".tracking-number")).toHaveText("WB-DEMO-1003");
  await expectHydrated(page);
});
