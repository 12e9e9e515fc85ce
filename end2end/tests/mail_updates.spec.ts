// Updates by mail from the share link, in a real browser and through a real SMTP server
// (aiosmtpd, started by scripts/e2e.sh): subscribing with JavaScript off and on, the
// confirmation mail and its link, an update mailed to both, unsubscribing from the link
// in a mail, and the next update reaching only the one still subscribed.
import { test, expect } from "./fixtures";
import type { Browser, Page } from "@playwright/test";
import { readFileSync } from "node:fs";

type Links = Record<string, { public: string; share: string }>;
const links: Links = JSON.parse(readFileSync(process.env.E2E_LINKS ?? "links.json", "utf8"));
type Mail = { to: string[]; headers: Record<string, string>; text: string; html: string; content_type: string };

async function mails(to: string): Promise<Mail[]> {
  const all: Mail[] = await (await fetch(process.env.E2E_MAIL_LOG!)).json();
  return all.filter((m) => m.to.includes(to));
}

async function mailsOnce(to: string, n: number): Promise<Mail[]> {
  await expect.poll(async () => (await mails(to)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
  return mails(to);
}

/// The path of the link in `text` that ends with `end`.
function linkPath(text: string, end: string): string {
  const url = text.split(/\s+/).find((w) => w.includes(end));
  expect(url, `a link with ${end} in ${text}`).toBeTruthy();
  return new URL(url!).pathname;
}

async function subscribe(page: Page, email: string) {
  await page.goto(links["WB-DEMO-1003"].share);
  const form = page.locator("form.subscribe-form");
  await expect(form).toBeVisible();
  await form.getByLabel("Your e-mail address").fill(email);
  await form.getByRole("button", { name: "Send me updates" }).click();
  await expect(page.locator("#updates .notice")).toContainText("Almost done");
}

async function postDepot(page: Page, status: string) {
  const form_data = JSON.stringify({ articleId: "WB-DEMO-1003", track_status: status, track_datetime: new Date().toISOString() });
  const answer = await page.request.post("/webhooks/depot", {
    headers: { Authorization: `Bearer ${process.env.WAYBILL_DEPOT_TOKEN}` },
    multipart: { form_data },
  });
  expect(answer.status()).toBe(200);
}

async function withoutScript(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: process.env.E2E_BASE_URL });
  return context.newPage();
}

test("subscribing on the share link with JavaScript off and on, confirming, receiving and unsubscribing", async ({ page, browser }) => {
  const stamp = Date.now();
  const off = `no-script-${stamp}@example.com`;
  const on = `script-${stamp}@example.com`;

  const plain = await withoutScript(browser);
  await subscribe(plain, off);
  await subscribe(page, on);
  for (const [who, tab] of [[off, plain], [on, page]] as const) {
    const [confirmation] = await mailsOnce(who, 1);
    expect(confirmation.headers["subject"]).toContain("Confirm your parcel updates");
    expect(confirmation.content_type).toBe("multipart/alternative");
    expect(confirmation.html).toContain("Confirm");
    await tab.goto(linkPath(confirmation.text, "/confirm"));
    await expect(tab.locator("#updates .notice")).toContainText("Confirmed");
  }

  await postDepot(page, "Failed Delivery");
  const [, missedOff] = await mailsOnce(off, 2);
  const [, missedOn] = await mailsOnce(on, 2);
  for (const mail of [missedOff, missedOn]) {
    expect(mail.headers["subject"]).toContain("We missed you");
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.text).toContain(links["WB-DEMO-1003"].share.replace(/^https?:\/\/[^/]+/, ""));
  }

  // The one with JavaScript unsubscribes from the link in its mail.
  await page.goto(linkPath(missedOn.text, "/unsubscribe"));
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.locator("#updates .notice")).toContainText("Unsubscribed");

  await postDepot(page, "Delivered");
  const [, , delivered] = await mailsOnce(off, 3);
  expect(delivered.headers["subject"]).toContain("was delivered");
  expect(delivered.text).toContain("#pod");
  await page.waitForTimeout(1000);
  expect((await mails(on)).length, "nothing more after unsubscribing").toBe(2);
  await plain.context().close();
});
