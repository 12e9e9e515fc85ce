// Every carrier's demo journey in a real browser, once with JavaScript off and once
// hydrated: status, stepper, timeline order, POD shown only on the share link, the
// language switch, no CSP violation or script error, and no serious accessibility issue.
import { type Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";

type Links = Record<string, { carrier: string; public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));

// Every carrier as its profile describes it (`waybill-tools env --json`, written by
// scripts/e2e.sh): its demo parcels, and its next delivery for the last of them, signed by
// the tools as the carrier signs (nothing is signed here). `headline` is what the page says
// once it is posted; null: the status Waybill does not know keeps the one shown.
type CarrierEnv = {
  carrier: string;
  body: "json" | "multipart";
  demo_numbers: string[];
  next: { number: string; path: string; headers: Record<string, string>; body: string; headline: string | null };
};
const carriers: CarrierEnv[] = JSON.parse(readFileSync(process.env.E2E_CARRIERS ?? "carriers.json", "utf8"));

// What the demo journeys end in (each carrier's `journey` in server/src/carriers/<carrier>.rs).
// Every demo parcel gets the checks below that need no expectation; these add what the page
// must say. `arrival` is what the page says of it (app/src/eta.rs): "Delivered at …",
// "Expected …", or that there is no estimate.
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

    for (const number of carriers.flatMap((c) => c.demo_numbers)) {
      const want = expected[number];
      test(`${number}: public page and share link`, async ({ page }) => {
        const link = links[number];
        expect(link, `demo created ${number}`).toBeTruthy();
        const problems = watch(page);

        const pub = await page.goto(link.public);
        expect(pub?.status()).toBe(200);
        await expect(page.locator("h1.parcel-status")).not.toBeEmpty();
        if (want) {
          await expect(page.locator("h1.parcel-status")).toHaveText(want.en);
          await expect(page.locator(".progress [aria-current=step]")).toHaveText(want.step);
        }
        // Delivered parcels say when; carriers that give an ETA show it; the others say there
        // is none rather than guess.
        await expect(page.locator(".eta")).toHaveCount(1);
        if (want) {
          await expect(page.locator(".eta")).toContainText(arrivalText[want.arrival]);
          await expect(page.locator(".late-badge")).toHaveCount(want.late ? 1 : 0);
        }
        await expectNewestFirst(page);
        await expect(page.locator(".pods")).toHaveCount(0);
        await expect(page.locator(".courier")).toHaveCount(0);
        await expectAccessible(page, javaScriptEnabled);

        const share = await page.goto(link.share);
        expect(share?.status()).toBe(200);
        expect((await share?.allHeaders())?.["referrer-policy"]).toBe("no-referrer");
        expect((await share?.allHeaders())?.["content-security-policy"]).toContain("'wasm-unsafe-eval'");
        const english = want?.en ?? (await page.locator("h1.parcel-status").textContent()) ?? "";
        await expect(page.locator("h1.parcel-status")).toHaveText(english);
        await expectNewestFirst(page);
        if (want) {
          await expect(page.locator(".pods")).toHaveCount(want.pod ? 1 : 0);
          await expect(page.locator("svg.courier-map")).toHaveCount(want.map ? 1 : 0);
        }
        await expectAccessible(page, javaScriptEnabled);

        await page.getByRole("link", { name: "Nederlands" }).click();
        await expect(page).toHaveURL(/lang=nl/);
        if (want) await expect(page.locator("h1.parcel-status")).toHaveText(want.nl);
        await expect(page.locator("html")).toHaveAttribute("lang", "nl");
        await page.getByRole("link", { name: "English" }).click();
        await expect(page.locator("h1.parcel-status")).toHaveText(english);

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

test("every demo parcel with written expectations was made by a carrier's journey", () => {
  const made = new Set(carriers.flatMap((c) => c.demo_numbers));
  expect(Object.keys(expected).filter((number) => !made.has(number))).toEqual([]);
});

// Each carrier's next delivery (from its profile, see above) on its last demo parcel: one
// timeline event more on an open share link, without a reload.
for (const { carrier, body: format, next } of carriers) {
  test(`${carrier}: an open share link shows a new event without a reload`, async ({ page }) => {
    const problems = watch(page);
    const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"));
    await page.goto(links[next.number].share);
    await wasm;
    const statusBefore = await page.locator("h1.parcel-status").textContent();
    const events = page.locator(".timeline .event");
    const before = await events.count();
    // Give hydration a moment to open the live stream, then the carrier reports.
    await page.waitForTimeout(500);
    // The exact bytes the tools signed; a multipart carrier's go in its `form_data` field.
    let body: string | FormData = next.body;
    if (format === "multipart") {
      body = new FormData();
      body.append("form_data", next.body);
    }
    const posted = await fetch(`${process.env.E2E_BASE_URL}${next.path}`, { method: "POST", headers: next.headers, body });
    expect(posted.status).toBe(200);
    await expect(events).toHaveCount(before + 1, { timeout: 10_000 });
    await expect(page.locator("h1.parcel-status")).toHaveText(next.headline ?? statusBefore ?? "");
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
