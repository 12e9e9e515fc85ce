// A staff member's day in a real browser: sign in, find a parcel by part of a carrier
// reference, upload a POD photo, see it on the parcel and on the customer's share link,
// and sign out. scripts/e2e.sh creates the account with `waybill create-staff`.
import { type Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";

const email = process.env.E2E_STAFF_EMAIL ?? "e2e-staff@example.com";
const password = process.env.E2E_STAFF_PASSWORD ?? "e2e staff password";
// Playwright runs from end2end/.
const photo = resolve("../server/tests/fixtures/pod-signature.png");

async function signIn(page: Page) {
  const response = await page.goto("/staff");
  expect(response?.url()).toContain("/staff/login?next=");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Parcels" })).toBeVisible();
}

test("a staff member finds a parcel by a partial reference, uploads a POD photo and signs out", async ({ page, context }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const wasm: string[] = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));

  await signIn(page);
  await expect(page.locator(".staff-nav .who")).toHaveText(email);

  // Peddler's parcel P100000000000004001 carries the shop's reference WB-ORDER-4001.
  await page.getByLabel("Number or reference").fill("order-4001");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=order-4001/);
  const result = page.getByRole("link", { name: "P100000000000004001" });
  await expect(result).toBeVisible();
  await expect(page.locator("table.data tbody tr")).toHaveCount(1);
  await result.click();
  await expect(page.getByRole("heading", { name: "P100000000000004001" })).toBeVisible();

  // Upload through the form (the hydrated page sends it in the background with progress).
  const before = await page.locator(".pod-entry").count();
  await page.locator('.pod-upload input[type="file"]').setInputFiles(photo);
  // The page's script sends each file through the staff API, with progress.
  const apiUpload = page.waitForResponse((r) => r.url().includes("/staff/api/parcels/peddler/P100000000000004001/pod"));
  await page.getByRole("button", { name: "Upload POD" }).click();
  expect((await apiUpload).status()).toBe(201);
  await expect(page.locator(".notice")).toContainText("1 POD file uploaded");
  await expect(page.locator(".pod-entry")).toHaveCount(before + 1);
  const entry = page.locator(".pod-entry", { hasText: "staff_upload" });
  await expect(entry).toContainText(email);
  const image = entry.locator("img");
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  // The customer's share link shows the same photo.
  const shareUrl = await page.locator("#share-url").inputValue();
  const customer = await context.browser()!.newPage();
  await customer.goto(shareUrl);
  const podId = await entry.getAttribute("data-pod-id");
  await expect(customer.locator(`img.pod-image[src*="${podId}"]`)).toHaveCount(1);
  await customer.close();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/staff\/login/);
  const after = await page.goto("/staff");
  expect(after?.url()).toContain("/staff/login?next=");
  expect(errors).toEqual([]);
  expect(wasm, "staff pages are server-rendered; the customer bundle is not loaded").toEqual([]);
});

test("the quarantine and the carriers page are a click away, and staff pages pass axe", async ({ page }) => {
  await signIn(page);
  for (const path of ["/staff", "/staff/parcels/depot/WB-DEMO-1001", "/staff/deliveries"]) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.map((v) => `${path}: ${v.id} ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
  }
  await page.getByRole("link", { name: "Quarantine" }).click();
  await expect(page.getByRole("heading", { name: "Quarantine" })).toBeVisible();
  await page.getByRole("link", { name: "Carriers" }).click();
  await expect(page.locator('tr[data-carrier="depot"]')).toContainText("configured");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/staff\/login/);
});

test("staff pages fit a phone: wide tables scroll in their box, the page does not", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page);
  for (const path of ["/staff", "/staff/deliveries", "/staff/audit", "/staff/parcels/depot/WB-DEMO-1001"]) {
    await page.goto(path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is no wider than the phone`).toBeLessThanOrEqual(390);
  }
  // After "Log out", Back does not bring a staff page back from the cache.
  await page.goto("/staff/deliveries");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.goBack();
  await expect(page).toHaveURL(/\/staff\/login/);
  await context.close();
});
