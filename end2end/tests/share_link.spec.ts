// The private share link in a real browser: the timeline and the POD image are visible,
// and the page hydrates without errors.
import { test, expect } from "./fixtures";
import { readFileSync } from "node:fs";

type Links = Record<string, { public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));

test("the share link shows the delivered timeline and the proof-of-delivery image", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
  const response = await page.goto(links["WB-DEMO-1001"].share);
  expect((await wasm).status(), "the hydration bundle loads").toBe(200);
  expect(response?.status()).toBe(200);
  expect((await response?.allHeaders())?.["referrer-policy"]).toBe("no-referrer");

  await expect(page.locator("h1.parcel-status")).toHaveText("Delivered");
  const events = page.locator(".timeline .event");
  await expect(events).toHaveCount(5);
  await expect(events.first()).toContainText("Delivered successfully");
  await expect(events.last()).toContainText("Parcel announced");

  const pod = page.locator("img.pod-image");
  await expect(pod).toBeVisible();
  // The image loads lazily: bring it into view and wait until it has decoded.
  await pod.scrollIntoViewIfNeeded();
  await expect.poll(() => pod.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(errors).toEqual([]);
});

test("the public page shows the timeline but no proof of delivery", async ({ page }) => {
  const response = await page.goto(links["WB-DEMO-1001"].public);
  expect(response?.status()).toBe(200);
  await expect(page.locator(".timeline .event")).toHaveCount(5);
  await expect(page.locator("img.pod-image")).toHaveCount(0);
});

test("an unknown tracking number shows a 404 page", async ({ page }) => {
  const response = await page.goto("/track/NO-SUCH-PARCEL");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Parcel not found" })).toBeVisible();
});
