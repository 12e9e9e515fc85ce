// Every carrier's demo journey in a real browser, once with JavaScript off and once
// hydrated: status, stepper, timeline order, POD shown only on the share link, the
// language switch, no CSP violation or script error, and no serious accessibility issue.
import { type Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";

type Links = Record<string, { carrier: string; public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));

// What each demo journey ends in (see server/src/cli/demo/journeys.rs). `arrival` is what the
// page says of it (app/src/eta.rs): "Delivered at …", "Expected …", or that there is no estimate.
type Arrival = "delivered" | "expected" | "none";
const expected: Record<string, { en: string; nl: string; step: string; pod: boolean; map: boolean; arrival: Arrival; late?: boolean }> = {
  "WB-DEMO-1001": { en: "Delivered", nl: "Bezorgd", step: "Delivered", pod: true, map: false, arrival: "delivered" },
  // A missed delivery, then back at the depot: said so, and the bar stays at the delivery step.
  "WB-DEMO-1002": { en: "Back at the depot", nl: "Terug in het depot", step: "Out for delivery", pod: false, map: false, arrival: "none" },
  "WB-DEMO-1003": { en: "In transit", nl: "Onderweg", step: "In transit", pod: false, map: false, arrival: "none" },
  "WB-DLV-2001": { en: "Delivered", nl: "Bezorgd", step: "Delivered", pod: false, map: false, arrival: "delivered" },
  // The demo Uber journey stops before delivery, with its ETA passed: late. Its verification
  // images are proof of a delivery that has not happened yet: not shown.
  del_WBDEMO3001: { en: "Out for delivery", nl: "Wordt bezorgd", step: "Out for delivery", pod: false, map: true, arrival: "expected", late: true },
  P100000000000004001: { en: "Delivered", nl: "Bezorgd", step: "Delivered", pod: false, map: false, arrival: "delivered" },
  WBKD5001: { en: "Delivered", nl: "Bezorgd", step: "Delivered", pod: false, map: false, arrival: "delivered" },
};
const arrivalText: Record<Arrival, string> = { delivered: "Delivered at", expected: "Expected", none: "No delivery estimate yet" };

/** Collects script errors, CSP violations and failed requests (remote carrier images excepted). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("ERR_NAME_NOT_RESOLVED") && !m.text().includes("Failed to load resource")) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && r.url().startsWith(process.env.E2E_BASE_URL ?? "http://127.0.0.1")) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}

async function expectAccessible(page: Page, javaScriptEnabled: boolean) {
  // axe runs as a page script; the no-JavaScript run serves the very same HTML.
  if (!javaScriptEnabled) return;
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function expectNewestFirst(page: Page) {
  // Read attribute by attribute: page scripts (evaluate) are off in the no-JavaScript run.
  const stamps = page.locator(".timeline time");
  const times: string[] = [];
  for (let i = 0; i < (await stamps.count()); i++) times.push((await stamps.nth(i).getAttribute("datetime")) ?? "");
  expect(times.length).toBeGreaterThan(0);
  expect([...times].sort().reverse()).toEqual(times);
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(javaScriptEnabled ? "hydrated" : "without JavaScript", () => {
    test.use({ javaScriptEnabled });

    for (const [number, want] of Object.entries(expected)) {
      test(`${number}: public page and share link`, async ({ page }) => {
        const link = links[number];
        expect(link, `demo created ${number}`).toBeTruthy();
        const problems = watch(page);

        const pub = await page.goto(link.public);
        expect(pub?.status()).toBe(200);
        await expect(page.locator("h1.parcel-status")).toHaveText(want.en);
        await expect(page.locator(".progress [aria-current=step]")).toHaveText(want.step);
        // Delivered parcels say when; carriers that give an ETA show it; the others say there
        // is none rather than guess.
        await expect(page.locator(".eta")).toHaveCount(1);
        await expect(page.locator(".eta")).toContainText(arrivalText[want.arrival]);
        await expect(page.locator(".late-badge")).toHaveCount(want.late ? 1 : 0);
        await expectNewestFirst(page);
        await expect(page.locator(".pods")).toHaveCount(0);
        await expect(page.locator(".courier")).toHaveCount(0);
        await expectAccessible(page, javaScriptEnabled);

        const share = await page.goto(link.share);
        expect(share?.status()).toBe(200);
        expect((await share?.allHeaders())?.["referrer-policy"]).toBe("no-referrer");
        expect((await share?.allHeaders())?.["content-security-policy"]).toContain("'wasm-unsafe-eval'");
        await expect(page.locator("h1.parcel-status")).toHaveText(want.en);
        await expectNewestFirst(page);
        await expect(page.locator(".pods")).toHaveCount(want.pod ? 1 : 0);
        await expect(page.locator("svg.courier-map")).toHaveCount(want.map ? 1 : 0);
        await expectAccessible(page, javaScriptEnabled);

        await page.getByRole("link", { name: "Nederlands" }).click();
        await expect(page.locator("h1.parcel-status")).toHaveText(want.nl);
        await expect(page).toHaveURL(/lang=nl/);
        await page.getByRole("link", { name: "English" }).click();
        await expect(page.locator("h1.parcel-status")).toHaveText(want.en);

        expect(problems).toEqual([]);
      });
    }
  });
}

test("the share link fits a 320 px phone without sideways scrolling", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.goto(links["del_WBDEMO3001"].share);
  await expect(page.locator("svg.courier-map")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(320);
  await context.close();
});

test("a Dutch browser gets the Dutch page without choosing", async ({ browser }) => {
  const context = await browser.newContext({ locale: "nl-NL" });
  const page = await context.newPage();
  await page.goto(links["WB-DEMO-1001"].public);
  await expect(page.locator("h1.parcel-status")).toHaveText("Bezorgd");
  await expect(page.getByRole("heading", { name: "Geschiedenis" })).toBeVisible();
  await context.close();
});

// A new delivery per carrier, signed as that carrier signs; each adds one timeline event.
function liveUpdate(carrier: string, number: string): { path: string; body: string | FormData; headers: Record<string, string> } {
  const now = new Date().toISOString();
  const sign = (key: string, body: string) => createHmac("sha256", key).update(body).digest("hex");
  const env = process.env;
  switch (carrier) {
    case "depot": {
      const form = new FormData();
      form.append("form_data", JSON.stringify({ articleId: number, track_status: "In Transit", track_datetime: now, remarks: "Driver left the depot (live)" }));
      return { path: "/webhooks/depot", body: form, headers: { authorization: `Bearer ${env.WAYBILL_DEPOT_TOKEN}` } };
    }
    case "deliverect": {
      const body = JSON.stringify({ received: now, orderId: number, courier: { firstName: "Sam", lastName: "J", status: 88 } });
      return { path: "/webhooks/deliverect", body, headers: { "content-type": "application/json", "x-server-authorization-hmac-sha256": sign(env.WAYBILL_DELIVERECT_SECRET!, body) } };
    }
    case "uber": {
      const body = JSON.stringify({ id: `evt_live_${Date.now()}`, kind: "event.delivery_status", created: now, data: { id: number, status: "live_check" } });
      return { path: "/webhooks/uber", body, headers: { "content-type": "application/json", "x-uber-signature": sign(env.WAYBILL_UBER_SIGNING_KEY!, body) } };
    }
    case "peddler": {
      const body = JSON.stringify({ carrierTrackingNumber: number, status: "LIVE_CHECK", ts: now, details: { reason: "Live check" } });
      return { path: "/webhooks/peddler", body, headers: { "content-type": "application/json", "x-webhook-shared-token": env.WAYBILL_PEDDLER_TOKEN! } };
    }
    default: {
      const time = now.slice(0, 19).replace("T", " ");
      const body = JSON.stringify({ event: "update", tracking_number: number, items: [{ time, context: "Live check", order_status_description: "Live check" }] });
      return { path: `/webhooks/keydelivery?token=${env.WAYBILL_KEYDELIVERY_TOKEN}`, body, headers: { "content-type": "application/json" } };
    }
  }
}

// One parcel per carrier; the depot one moves on (In Transit = out for delivery), the
// others get a status Waybill does not know, which adds an event but keeps the status.
const live: [string, string, string | null][] = [
  ["depot", "WB-DEMO-1003", "Out for delivery"],
  ["deliverect", "WB-DLV-2001", null],
  ["uber", "del_WBDEMO3001", null],
  ["peddler", "P100000000000004001", null],
  ["keydelivery", "WBKD5001", null],
];

for (const [carrier, number, newStatus] of live) {
  test(`${carrier}: an open share link shows a new event without a reload`, async ({ page }) => {
    const problems = watch(page);
    const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
    await page.goto(links[number].share);
    await wasm;
    const statusBefore = await page.locator("h1.parcel-status").textContent();
    const events = page.locator(".timeline .event");
    const before = await events.count();
    // Give hydration a moment to open the live stream, then the carrier reports.
    await page.waitForTimeout(500);
    const update = liveUpdate(carrier, number);
    const posted = await fetch(`${process.env.E2E_BASE_URL}${update.path}`, { method: "POST", headers: update.headers, body: update.body });
    expect(posted.status).toBe(200);
    await expect(events).toHaveCount(before + 1, { timeout: 10_000 });
    await expect(page.locator("h1.parcel-status")).toHaveText(newStatus ?? statusBefore ?? "");
    expect(problems).toEqual([]);
  });
}

test("times show in the visitor's time zone once hydrated", async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: "Asia/Tokyo", locale: "en-GB" });
  const page = await context.newPage();
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
  await page.goto(links["WB-DEMO-1001"].share);
  await wasm;
  // Server-rendered "UTC" times become Tokyo times (UTC+9) after hydration.
  await expect(page.locator(".timeline time").first()).toContainText(/GMT\+9|JST/);
  // The demo's delivery day (06:00-19:00 UTC) spans two days in Tokyo: the timeline regroups.
  await expect(page.locator(".timeline .day")).toHaveCount(2);
  await context.close();
});
