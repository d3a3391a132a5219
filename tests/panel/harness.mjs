// SPDX-License-Identifier: MIT
// The harness the panel's browser scenarios share (browser.mjs, browser-admin.mjs): Chromium and its pages, TAP steps with failure screenshots, the checks (visible, no sideways scrolling, axe-core), sign-in, dig and curl.
//
// Environment, read here for every scenario: PANEL_URL, DNSAPID_URL, EDGE_DNS_PORTS (the DNS
// ports of the two edges, comma-separated), SHOTS (the directory for screenshots), CHROMIUM
// (default /usr/bin/chromium), STEP (only the steps whose name contains it; default all).
//
// A scenario: `await launch({ shotPrefix })`; `const page = watch(await newPage())`; then
// `await step("what it shows", async () => { … })` per step, each printing "ok N - name (T ms)",
// or "not ok N - name" with the reason, the page's URL and a screenshot (PREFIXfailure-N.png),
// ending the run with exit code 1; last `await finish()`, which prints "# N steps passed".
// The bats files copy this module next to the scenarios (panel_browser_install of
// tests/bats/panel/panel.bash).

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

export const base = process.env.PANEL_URL;
export const api = process.env.DNSAPID_URL;
export const ports = (process.env.EDGE_DNS_PORTS || "").split(",").filter(Boolean);
export const shots = process.env.SHOTS || "screenshots";
export const TIMEOUT = 10000;
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
mkdirSync(shots, { recursive: true });
assert.ok(base, "PANEL_URL is not set");
assert.ok(api, "DNSAPID_URL is not set");
assert.equal(ports.length, 2, "EDGE_DNS_PORTS must name two edges");

// Every page's dialogs (dismissed) and JavaScript errors; finish() fails on any of the latter.
export const dialogs = [];
export const pageErrors = [];
// confirm() dialogs: answered with the answer of answerConfirms (true: OK) while it is not null,
// and recorded in confirms; otherwise dismissed and recorded in dialogs like any other.
export const confirms = [];
let confirmAnswer = null;
export function answerConfirms(answer) {
  confirmAnswer = answer;
}

let browser = null;
let shotPrefix = "";
let current = null; // the page a failure screenshots and visible() measures
let n = 0;

// launch: Debian's Chromium, headless; SHOTPREFIX starts the name of every screenshot.
export async function launch(options = {}) {
  shotPrefix = options.shotPrefix || "";
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

// newPage OPTIONS: a page in a context of its own (its own cookies), 1100×800 unless OPTIONS
// say otherwise (viewport, javaScriptEnabled, isMobile, bypassCSP…), dialogs and errors recorded.
export async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on("dialog", async (d) => {
    if (d.type() === "confirm" && confirmAnswer !== null) {
      confirms.push(d.message());
      await (confirmAnswer ? d.accept() : d.dismiss());
      return;
    }
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  return page;
}

// watch PAGE: from now on the page a failure screenshots and visible() measures; returns PAGE.
export function watch(page) {
  current = page;
  return page;
}

// step NAME FN: runs FN unless STEP leaves it out; prints its TAP line; exits 1 at a failure.
export async function step(name, fn) {
  if (process.env.STEP && !name.includes(process.env.STEP)) return;
  n++;
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    if (current) await current.screenshot({ path: `${shots}/${shotPrefix}failure-${n}.png`, fullPage: true }).catch(() => {});
    console.log(`not ok ${n} - ${name}`);
    console.log(`# ${String(e && e.stack ? e.stack : e).split("\n").join("\n# ")}`);
    if (current) console.log(`# url: ${current.url()}`);
    await browser.close();
    process.exit(1);
  }
  console.log(`ok ${n} - ${name} (${Date.now() - t0} ms)`);
}

// finish: no JavaScript error on any page; the browser closed; "# N steps passed".
export async function finish() {
  assert.deepEqual(pageErrors, [], `JavaScript errors: ${pageErrors}`);
  await browser.close();
  console.log(`# ${n} steps passed`);
}

// shot PAGE NAME: a full-page screenshot, SHOTS/PREFIXNAME.png.
export async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${shotPrefix}${name}.png`, fullPage: true });
}

// visible: the locator is on the page, visible, inside the viewport's width (not pushed off by
// a broken layout), with a size.
export async function visible(locator, what) {
  await locator.first().waitFor({ state: "visible" });
  const box = await locator.first().boundingBox();
  const width = current.viewportSize().width;
  assert.ok(box && box.width > 0 && box.height > 0, `${what} has no size`);
  assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `${what} lies outside the page's width (${JSON.stringify(box)})`);
}

// shownSecret PAGE WHAT: the text of the secret shown once (#key-secret), which must be visible
// and look like a key's secret (edk_ and 42 letters and digits).
export async function shownSecret(page, what) {
  const secret = page.locator("#key-secret");
  await visible(secret, what);
  const text = (await secret.innerText()).trim();
  assert.match(text, /^edk_[a-z2-7]{42}$/);
  return text;
}

// noSidewaysScroll PAGE WHAT: the page is no wider than its viewport.
export async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow} px`);
}

// axeCheck PAGE PATH WHAT: axe-core finds no WCAG 2.1 A/AA violation on PATH (null: the page as
// it is). PAGE must come from newPage({ bypassCSP: true }): axe is injected as a script, which
// the panel's CSP (script-src 'self') would refuse.
export async function axeCheck(page, path, what) {
  if (path !== null) await page.goto(`${base}${path}`);
  await page.addScriptTag({ path: axePath });
  const r = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  );
  const found = r.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((node) => node.target.join(" ")).slice(0, 5).join("\n    ")}`
  );
  assert.deepEqual(found, [], `${what} (${page.url()}):\n  ${found.join("\n  ")}`);
}

// signIn PAGE EMAIL PASSWORD: the login form filled and sent; the dashboard reached.
export async function signIn(page, email, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/dashboard`);
}

// dig I NAME TYPE: what edge I (0-based) answers, `dig +short` sorted.
export function dig(i, name, type) {
  const out = execFileSync("dig", ["+short", "+norec", "+time=1", "+tries=2", "-p", ports[i], "@127.0.0.1", name, type], {
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean).sort().join("\n");
}

// digEventually NAME TYPE WANT: every edge answers WANT (each asked for 5 s at the most).
export async function digEventually(name, type, want) {
  for (let i = 0; i < ports.length; i++) {
    let got;
    for (let t = 0; t < 50; t++) {
      got = dig(i, name, type);
      if (got === want) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(got, want, `edge ${i + 1} answers '${got}' for ${name} ${type}, expected '${want}'`);
  }
}

// curlApi METHOD PATH KEY [BODY]: dnsapid's answer {status, body}, with curl (KEY "": none).
export function curlApi(method, path, key, body) {
  const args = ["-s", "-w", "\n%{http_code}", "-m", "10", "-X", method];
  if (key) args.push("-H", `Authorization: Bearer ${key}`);
  if (body !== undefined) args.push("-H", "Content-Type: application/json", "--data-binary", JSON.stringify(body));
  const out = execFileSync("curl", [...args, `${api}${path}`], { encoding: "utf8" });
  const i = out.lastIndexOf("\n");
  return { status: Number(out.slice(i + 1)), body: out.slice(0, i) };
}

// apiStatus METHOD PATH KEY [BODY]: the HTTP status of that answer.
export function apiStatus(method, path, key, body) {
  return curlApi(method, path, key, body).status;
}
