// SPDX-License-Identifier: MIT
// The panel in a real browser (playwright-core, Debian's Chromium) against the real stack: one scenario, step by step.
//
// Run by tests/bats/panel/100-browser.bats, which starts MariaDB, dnsapid, two edges and the
// panel. Environment (read by harness.mjs): PANEL_URL, EDGE_DNS_PORTS (comma-separated DNS
// ports of the edges), DNSAPID_URL (for curl with a key made in the panel), SHOTS (the
// directory for screenshots), CHROMIUM (default /usr/bin/chromium), STEP (only the steps whose
// name contains it; default all). Prints "ok N - step" per step; exits 1 at the first failure,
// with a screenshot of the page (failure-*.png) and the reason.

import assert from "node:assert/strict";
import {
  TIMEOUT, answerConfirms, apiStatus, axeCheck, base, confirms, dialogs, dig, digEventually, finish, launch, newPage,
  noSidewaysScroll, shot, shownSecret, signIn, step, visible, watch,
} from "./harness.mjs";

const run = Date.now().toString(36);
const password = "correct horse battery";
const alice = { email: `alice-${run}@example.test`, account: `alice-${run}`, zone: `alice-${run}.test` };
const bob = { email: `bob-${run}@example.test`, account: `bob-${run}`, zone: `bob-${run}.test` };
const xss = "<script>alert(1)</script>";

await launch();

// bar PAGE LIMIT LABEL [VALUE]: the usage bar of LIMIT is visible, labelled LABEL, at VALUE.
async function bar(page, limit, label, value) {
  const b = page.locator(`#bar-${limit}`);
  await visible(b, `the ${limit} bar`);
  assert.match((await page.locator(`label[for="bar-${limit}"]`).innerText()).trim(), label);
  if (value !== undefined) assert.equal(Number(await b.getAttribute("value")), value);
}

async function propagationReachesAll(page) {
  const line = page.locator("#propagation");
  await visible(line, "the propagation line");
  await page.waitForFunction(() => document.querySelector("#propagation")?.dataset.status === "insync", null, {
    timeout: TIMEOUT,
  });
  assert.match(await line.innerText(), /2 of 2 name servers updated/);
}

async function addRecord(page, { name, type, ttl = "", records }) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Type", { exact: true }).selectOption(type);
  await page.getByLabel(/^TTL/).fill(ttl);
  await page.getByRole("textbox", { name: /^Records/ }).fill(records);
  await page.getByRole("button", { name: "Add records" }).click();
  await page.waitForLoadState("domcontentloaded");
}

// signedIn OPTIONS: a new page (newPage OPTIONS), watched, with alice signed in.
async function signedIn(options = {}) {
  const p = watch(await newPage(options));
  await signIn(p, alice.email, password);
  return p;
}

// --- the scenario ----------------------------------------------------------------------------

const page = watch(await newPage());

await step("sign-up page shows its form; a bad sign-up shows the errors next to the fields", async () => {
  await page.goto(`${base}/login`);
  await page.getByRole("link", { name: "Sign up" }).click();
  await visible(page.getByRole("heading", { name: "Sign up" }), "the heading");
  await page.getByLabel("Email", { exact: true }).fill("dev@example");
  await page.getByLabel(/^Password/).fill("short1234");
  // The browser's own check (minlength) would stop the form: the server's answer is the test.
  await page.locator("form").evaluate((f) => (f.noValidate = true));
  await page.getByRole("button", { name: "Create the account" }).click();
  await visible(page.locator("#err-email"), "the email's error");
  await visible(page.locator("#err-password"), "the password's error");
  assert.match(await page.locator("#err-password").innerText(), /at least 10 characters/);
  assert.equal(await page.getByLabel("Email", { exact: true }).inputValue(), "dev@example");
  await shot(page, "01-signup-errors");
});

await step("sign up: the dashboard with no domains, plan limits as bars and API calls", async () => {
  await page.getByLabel("Email", { exact: true }).fill(alice.email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByLabel(/^Account name/).fill(alice.account);
  await page.getByRole("button", { name: "Create the account" }).click();
  await page.waitForURL(`${base}/dashboard`);
  await visible(page.getByRole("heading", { name: "Dashboard" }), "the heading");
  await visible(page.getByText(/Welcome! Your account/), "the welcome message");
  await visible(page.locator("#no-domains"), "the empty domain list");
  await bar(page, "domains", /^Domains: 0 of 3$/, 0);
  await bar(page, "calls_per_day", /^API calls today \(UTC\): \d+ of 5000$/);
  await bar(page, "records_per_domain", /^Records in the largest domain: 0 of 50$/, 0);
  await visible(page.locator("#calls"), "the API calls line");
  await visible(page.getByRole("button", { name: "Sign out" }), "the sign-out button");
  assert.match(await page.locator("header").innerText(), new RegExp(alice.email.replace(/[.]/g, "\\.")));
  await shot(page, "02-dashboard-empty");
});

await step("the session cookie is HttpOnly and SameSite=Lax; the dnsapid token never reaches the browser", async () => {
  const cookies = await page.context().cookies();
  assert.equal(cookies.length, 1, `cookies: ${JSON.stringify(cookies)}`);
  assert.equal(cookies[0].name, "endpointdns_panel");
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].sameSite, "Lax");
  assert.ok(!cookies[0].value.startsWith("eds_"));
  assert.ok(!(await page.content()).includes("eds_"), "the page holds a session token");
});

await step("create a domain: its page lists the SOA and NS RRsets", async () => {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel("New domain").fill(alice.zone);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.waitForURL(new RegExp(`/domains/${alice.zone.replace(/[.]/g, "\\.")}\\?change=\\d+$`));
  await visible(page.getByRole("heading", { name: alice.zone }), "the domain heading");
  const table = page.locator("#rrsets");
  await visible(table, "the RRsets table");
  await visible(table.getByRole("row").filter({ hasText: "SOA" }), "the SOA row");
  await visible(table.getByRole("row").filter({ hasText: "NS" }).filter({ hasText: "ns1.endpointdns.test." }), "the NS row");
  await visible(page.getByRole("button", { name: "Add records" }), "the add button");
  await propagationReachesAll(page);
  await digEventually(alice.zone, "NS", "ns1.endpointdns.test.\nns2.endpointdns.test.");
});

await step("add an A record: the propagation line reaches 2 of 2, and both edges answer it", async () => {
  await addRecord(page, { name: "www", type: "A", ttl: "300", records: "192.0.2.10\n192.0.2.11" });
  await visible(page.getByText(`Saved www.${alice.zone}. A.`), "the saved message");
  const row = page.locator("#rrsets tr").filter({ hasText: "192.0.2.10" });
  await visible(row, "the new A row");
  assert.match(await row.innerText(), /www\s+A\s+300\s+192\.0\.2\.10\s+192\.0\.2\.11/);
  await propagationReachesAll(page);
  await shot(page, "03-domain-propagated");
  // What panel.js polls: the change's status as JSON, waiting at most the seconds asked.
  const id = new URL(page.url()).searchParams.get("change");
  const r = await page.request.get(`${base}/changes/${id}?wait=5`);
  assert.equal(r.status(), 200);
  assert.deepEqual(await r.json(), { status: "insync", servers_insync: 2, servers_total: 2, text: "2 of 2 name servers updated" });
  // Without the session cookie (not page.request, whose cookie jar is the page's): 401.
  const anon = await fetch(`${base}/changes/${id}`);
  assert.equal(anon.status, 401);
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.10\n192.0.2.11");
});

await step("a record the API refuses: its error next to the field, the form kept, nothing added", async () => {
  await addRecord(page, { name: "bad", type: "A", ttl: "300", records: "192.0.2.300" });
  const err = page.locator("#err-rr-records");
  await visible(err, "the records' error");
  assert.match(await err.innerText(), /not an IPv4 address/);
  assert.equal(await page.getByRole("textbox", { name: /^Records/ }).getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByRole("textbox", { name: /^Records/ }).inputValue(), "192.0.2.300");
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "bad");
  await page.getByLabel(/^TTL/).fill("5");
  await page.getByRole("textbox", { name: /^Records/ }).fill("192.0.2.30");
  await page.getByRole("button", { name: "Add records" }).click();
  await visible(page.locator("#err-rr-ttl"), "the TTL's error");
  assert.match(await page.locator("#err-rr-ttl").innerText(), /at least 60 seconds/);
  assert.equal(await page.locator("#rrsets tr").filter({ hasText: "192.0.2.30" }).count(), 0);
  await shot(page, "04-domain-field-errors");
});

await step("a TXT record holding <script> is shown as text: no dialog, the text visible", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await addRecord(page, { name: "xss", type: "TXT", records: `"${xss}"` });
  const cell = page.locator("#rrsets td.records").filter({ hasText: xss });
  await visible(cell, "the TXT record's text");
  assert.equal(await cell.innerText(), `"${xss}"`);
  // No element came of it: the only scripts are the panel's.
  assert.deepEqual(await page.locator("script").evaluateAll((s) => s.map((x) => x.getAttribute("src"))), ["/panel.js"]);
  await propagationReachesAll(page);
  await page.reload();
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, [], `dialogs opened: ${dialogs}`);
  await digEventually(`xss.${alice.zone}`, "TXT", `"${xss}"`);
  await shot(page, "05-domain-txt-escaped");
});

await step("a POST without the CSRF token, or with another, is refused and changes nothing", async () => {
  const form = { name: "csrf", type: "A", ttl: "300", records: "192.0.2.66" };
  let r = await page.request.post(`${base}/domains/${alice.zone}/records`, { form, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  assert.match(await r.text(), /security token \(CSRF\)/);
  r = await page.request.post(`${base}/domains/${alice.zone}/records`, {
    form: { ...form, csrf: "0".repeat(64) },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 403);
  r = await page.request.post(`${base}/logout`, { maxRedirects: 0 });
  assert.equal(r.status(), 403, "logout without a token");
  // A real form with a forged token: the refusal page.
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.locator("#add-record input[name=csrf]").evaluate((i) => (i.value = "forged"));
  await addRecord(page, form);
  await visible(page.getByRole("heading", { name: "Form refused" }), "the refusal");
  await shot(page, "06-csrf-refused");
  await page.goto(`${base}/domains/${alice.zone}`);
  assert.equal(await page.locator("#rrsets tr").filter({ hasText: "192.0.2.66" }).count(), 0);
  assert.equal(dig(0, `csrf.${alice.zone}`, "A"), "");
});

await step("delete an RRset: gone from the table, propagated, the edges no longer answer it", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.getByRole("button", { name: `Delete xss.${alice.zone}. TXT` }).click();
  await page.waitForURL(/\?change=\d+$/);
  await visible(page.getByText(`Deleted xss.${alice.zone}. TXT.`), "the deleted message");
  assert.equal(await page.locator("#rrsets td.records").filter({ hasText: xss }).count(), 0);
  await propagationReachesAll(page);
  await digEventually(`xss.${alice.zone}`, "TXT", "");
});

await step("edit an RRset in place: the form holds its TTL and records; a refused record shows its error there; saved, propagated, answered", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.getByRole("link", { name: `Edit www.${alice.zone}. A` }).click();
  await page.waitForURL(new RegExp(`/domains/${alice.zone.replace(/[.]/g, "\\.")}/rrsets/www/A/edit$`));
  await visible(page.getByRole("heading", { name: `Edit www.${alice.zone}. A` }), "the edit heading");
  const ttl = page.getByLabel(/^TTL/);
  const records = page.getByRole("textbox", { name: /^Records/ });
  assert.equal(await ttl.inputValue(), "300");
  assert.equal(await records.inputValue(), "192.0.2.10\n192.0.2.11");
  await shot(page, "06a-rrset-edit");
  await records.fill("192.0.2.10\n192.0.2.999");
  await page.getByRole("button", { name: "Save" }).click();
  await visible(page.locator("#err-ed-records"), "the records' error");
  assert.match(await page.locator("#err-ed-records").innerText(), /not an IPv4 address/);
  assert.equal(await records.getAttribute("aria-invalid"), "true");
  assert.equal(await records.inputValue(), "192.0.2.10\n192.0.2.999");
  await ttl.fill("600");
  await records.fill("192.0.2.10\n192.0.2.12");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/\?change=\d+$/);
  await visible(page.getByText(`Saved www.${alice.zone}. A.`), "the saved message");
  const row = page.locator("#rrsets tr").filter({ hasText: "192.0.2.12" });
  assert.match(await row.innerText(), /www\s+A\s+600\s+192\.0\.2\.10\s+192\.0\.2\.12/);
  await propagationReachesAll(page);
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.10\n192.0.2.12");
});

await step("edit an RRset changed meanwhile (another tab): refused, what it holds now shown; saving again replaces it", async () => {
  const url = `${base}/domains/${alice.zone}/rrsets/www/A/edit`;
  await page.goto(url);
  // The other tab: the same form, saved first.
  const token = await page.locator("#edit-rrset input[name=csrf]").inputValue();
  const etag = await page.locator("#edit-rrset input[name=etag]").inputValue();
  const r = await page.request.post(url, { form: { csrf: token, etag, ttl: "600", records: "192.0.2.13" }, maxRedirects: 0 });
  assert.equal(r.status(), 303);
  await page.getByRole("textbox", { name: /^Records/ }).fill("192.0.2.14");
  await page.getByRole("button", { name: "Save" }).click();
  await visible(page.locator("#form-error"), "the changed-meanwhile message");
  assert.match(await page.locator("#form-error").innerText(), /changed after you opened this form/);
  assert.equal((await page.locator("#records-now").innerText()).trim(), "192.0.2.13");
  assert.equal(await page.getByRole("textbox", { name: /^Records/ }).inputValue(), "192.0.2.14");
  await shot(page, "06b-rrset-edit-conflict");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/\?change=\d+$/);
  await propagationReachesAll(page);
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.14");
});

await step("filter and sort the records: live as you type, by the server without JavaScript, by a column both ways", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await addRecord(page, { name: "old", type: "TXT", ttl: "120", records: '"v=old"' });
  await propagationReachesAll(page);
  const rows = page.locator("#rrsets tbody tr");
  const all = await rows.count(); // SOA, NS, www A, old TXT
  assert.equal(all, 4);
  await page.getByLabel(/^Filter/).fill("v=OLD");
  await visible(rows.filter({ hasText: '"v=old"' }), "the matching row");
  assert.equal(await page.locator("#rrsets tbody tr:not([hidden])").count(), 1);
  assert.equal((await page.locator("#rrset-count").innerText()).trim(), `1 of ${all} RRsets match “v=OLD”.`);
  await shot(page, "06c-domain-filtered");
  await page.getByLabel(/^Filter/).fill("");
  assert.equal(await page.locator("#rrsets tbody tr:not([hidden])").count(), all);
  // The server's filter (the form without the script), kept when sorting.
  await page.goto(`${base}/domains/${alice.zone}?q=ns2.endpointdns`);
  assert.equal(await rows.count(), 1);
  await visible(rows.filter({ hasText: "NS" }), "the NS row");
  assert.match(await page.locator("#rrset-count").innerText(), new RegExp(`1 of ${all} RRsets match`));
  await page.goto(`${base}/domains/${alice.zone}`);
  const ttlHeader = page.locator("#rrsets th").filter({ hasText: "TTL" });
  await ttlHeader.getByRole("link").click();
  await page.waitForURL(/sort=ttl&dir=asc/);
  assert.equal(await page.locator("#rrsets th").filter({ hasText: "TTL" }).getAttribute("aria-sort"), "ascending");
  const ttls = async () => (await page.locator("#rrsets tbody td.num").allInnerTexts()).map(Number);
  let t = await ttls();
  assert.deepEqual(t, [...t].sort((a, b) => a - b));
  await page.locator("#rrsets th").filter({ hasText: "TTL" }).getByRole("link").click();
  await page.waitForURL(/sort=ttl&dir=desc/);
  assert.equal(await page.locator("#rrsets th").filter({ hasText: "TTL" }).getAttribute("aria-sort"), "descending");
  t = await ttls();
  assert.deepEqual(t, [...t].sort((a, b) => b - a));
  assert.equal(t[t.length - 1], 120);
});

await step("import a zone file: errors by line; the dry-run plan (create, update with its diff, delete); a zone changed meanwhile gets a new plan; applied and answered", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.getByRole("link", { name: "Import a zone file" }).click();
  await visible(page.getByRole("heading", { name: `Import a zone file into ${alice.zone}` }), "the import heading");
  const area = page.getByRole("textbox", { name: "Zone file" });
  await area.fill("$TTL 300\nwww IN A 192.0.2.300\nftp.example.org. IN A 192.0.2.1\n");
  await page.getByRole("button", { name: "Show the plan" }).click();
  const errs = page.locator("#err-im-zone");
  await visible(errs, "the file's errors");
  assert.match(await errs.innerText(), /line 2: .*IPv4/);
  assert.match(await errs.innerText(), /line 3: ftp\.example\.org is outside the zone/);
  assert.equal(await area.getAttribute("aria-invalid"), "true");
  await shot(page, "06d-import-errors");
  // A good file, uploaded: www changes, mail and MX are new, "old" is not in it (deleted).
  const file = [
    "$ORIGIN " + alice.zone + ".",
    "$TTL 3600",
    "@     IN SOA ns.example. host.example. 1 7200 3600 1209600 300",
    "@     IN MX  10 mail",
    "mail  IN A   192.0.2.25",
    "www   600 IN A 192.0.2.14",
    "www   600 IN A 192.0.2.15",
    "",
  ].join("\r\n");
  await area.fill("");
  await page.getByLabel(/^Or a file/).setInputFiles({ name: "alice.zone", mimeType: "text/plain", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Show the plan" }).click();
  await visible(page.locator("#plan-summary"), "the plan's summary");
  assert.match(await page.locator("#plan-summary").innerText(), /2 create, 1 update and 1 delete/);
  await visible(page.locator("table.plan-create tr").filter({ hasText: "192.0.2.25" }), "the created mail A");
  await visible(page.locator("table.plan-create tr").filter({ hasText: `10 mail.${alice.zone}.` }), "the created MX");
  const upd = page.locator("table.plan-update tr").filter({ hasText: "www" });
  await visible(upd.locator(".record.added").filter({ hasText: "192.0.2.15" }), "the added record of www");
  assert.equal(await upd.locator(".record.removed").count(), 0);
  assert.equal((await upd.locator(".record.kept").innerText()).trim(), "192.0.2.14");
  await visible(page.locator("table.plan-delete tr").filter({ hasText: '"v=old"' }), "the deleted TXT");
  await shot(page, "06e-import-plan");
  // Nothing changed yet: the edges still answer the old records.
  assert.equal(dig(0, `mail.${alice.zone}`, "A"), "");
  // The zone changes before the plan is applied (another tab adds a record).
  const token = await page.locator("#apply-import input[name=csrf]").inputValue();
  let r = await page.request.post(`${base}/domains/${alice.zone}/records`, {
    form: { csrf: token, name: "late", type: "A", ttl: "300", records: "192.0.2.77" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 303);
  await page.getByRole("button", { name: "Apply the plan" }).click();
  await visible(page.locator("#plan-notice"), "the zone-changed notice");
  assert.match(await page.locator("#plan-notice").innerText(), /changed after the plan was made/);
  assert.match(await page.locator("#plan-summary").innerText(), /2 create, 1 update and 2 delete/);
  await visible(page.locator("table.plan-delete tr").filter({ hasText: "192.0.2.77" }), "the late record, now deleted too");
  await page.getByRole("button", { name: "Apply the plan" }).click();
  await page.waitForURL(/\?change=\d+$/);
  await visible(page.getByText("Imported the zone file: 2 RRsets created, 1 updated, 2 deleted."), "the imported message");
  await propagationReachesAll(page);
  await digEventually(`mail.${alice.zone}`, "A", "192.0.2.25");
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.14\n192.0.2.15");
  await digEventually(alice.zone, "MX", `10 mail.${alice.zone}.`);
  await digEventually(`old.${alice.zone}`, "TXT", "");
  // The same file again: a plan with nothing to do, and no Apply button.
  await page.goto(`${base}/domains/${alice.zone}/import`);
  await page.getByLabel(/^Or a file/).setInputFiles({ name: "alice.zone", mimeType: "text/plain", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Show the plan" }).click();
  assert.match(await page.locator("#plan-summary").innerText(), /changes nothing/);
  assert.equal(await page.getByRole("button", { name: "Apply the plan" }).count(), 0);
});

await step("export the zone file: a download named after the zone, the SOA first, every record", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export the zone file" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${alice.zone}.zone`);
  const text = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  const lines = text.split("\n").filter((l) => l && !l.startsWith(";") && !l.startsWith("$"));
  assert.match(lines[0], new RegExp(`^${alice.zone.replace(/[.]/g, "\\.")}\\.\\s+\\d+\\s+IN\\s+SOA\\s`));
  for (const want of [`mail.${alice.zone}.\t3600\tIN\tA\t192.0.2.25`, `www.${alice.zone}.\t600\tIN\tA\t192.0.2.15`, `\tMX\t10 mail.${alice.zone}.`])
    assert.ok(text.includes(want), `the export lacks ${want}:\n${text}`);
});

await step("accessibility: axe-core finds no WCAG 2.1 A/AA violation on the panel's pages (labels, contrast, names, structure)", async () => {
  // axe is injected as a script: a page whose context lets it past the panel's CSP.
  const a = watch(await newPage({ bypassCSP: true }));
  const check = (path, what) => axeCheck(a, path, what);
  await check("/login", "the sign-in page");
  await check("/signup", "the sign-up page");
  await a.getByLabel("Email", { exact: true }).fill("nobody");
  await a.getByRole("button", { name: "Create the account" }).click();
  await check(null, "the sign-up page with errors");
  await signIn(a, alice.email, password);
  await check("/dashboard", "the dashboard");
  await check(`/domains/${alice.zone}`, "the domain page");
  await check(`/domains/${alice.zone}?q=mail&sort=ttl&dir=desc`, "the domain page, filtered and sorted");
  await addRecord(a, { name: "bad", type: "A", records: "192.0.2.300" });
  await check(null, "the domain page with a field error");
  await check(`/domains/${alice.zone}/rrsets/www/A/edit`, "the edit page");
  await check(`/domains/${alice.zone}/import`, "the import page");
  await a.getByRole("textbox", { name: "Zone file" }).fill("www IN A 192.0.2.300\n");
  await a.getByRole("button", { name: "Show the plan" }).click();
  await check(null, "the import page with errors");
  await a.getByRole("textbox", { name: "Zone file" }).fill(`$TTL 3600\nmail IN A 192.0.2.26\nwww 600 IN A 192.0.2.14\n`);
  await a.getByRole("button", { name: "Show the plan" }).click();
  await a.locator("#plan-summary").waitFor();
  await check(null, "the import plan");
  await check(`/domains/${alice.zone}/history`, "the history page");
  await check(`/domains/${alice.zone}/history/2`, "a version page");
  await a.locator("#zone-then summary").click();
  await check(null, "a version page with the zone then open");
  await check("/keys", "the keys page");
  await a.context().close();
  watch(page);
});

await step("another account's session cannot open this domain's page nor change it", async () => {
  const other = watch(await newPage());
  await other.goto(`${base}/signup`);
  await other.getByLabel("Email", { exact: true }).fill(bob.email);
  await other.getByLabel(/^Password/).fill(password);
  await other.getByRole("button", { name: "Create the account" }).click();
  await other.waitForURL(`${base}/dashboard`);
  let r = await other.goto(`${base}/domains/${alice.zone}`);
  assert.equal(r.status(), 404);
  await visible(other.getByRole("heading", { name: "Not found" }), "the not-found heading");
  assert.ok(!(await other.content()).includes("192.0.2.14"), "bob sees alice's records");
  await shot(other, "07-other-account-not-found");
  // With bob's own valid CSRF token, a POST to alice's domain is refused by dnsapid.
  await other.goto(`${base}/dashboard`);
  const token = await other.locator("input[name=csrf]").first().inputValue();
  r = await other.request.post(`${base}/domains/${alice.zone}/rrsets/delete`, {
    form: { csrf: token, owner: `www.${alice.zone}.`, type: "A" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 404);
  // Nor export, import or edit it.
  for (const path of ["export", "import", "rrsets/www/A/edit"]) {
    r = await other.request.get(`${base}/domains/${alice.zone}/${path}`, { maxRedirects: 0 });
    assert.equal(r.status(), 404, `bob's GET ${path}`);
  }
  r = await other.request.post(`${base}/domains/${alice.zone}/import`, {
    multipart: { csrf: token, zone: "www IN A 192.0.2.66\n" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 404, "bob's import");
  r = await other.request.post(`${base}/domains/${alice.zone}/rrsets/www/A/edit`, {
    form: { csrf: token, etag: "", ttl: "300", records: "192.0.2.66" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 404, "bob's edit");
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.14\n192.0.2.15");
  await other.context().close();
  watch(page);
});

await step("sign in at phone width (a new session id); the domain and keys pages: no sideways scrolling, the forms usable", async () => {
  const phone = watch(await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }));
  await phone.goto(`${base}/login`);
  const before = (await phone.context().cookies())[0].value;
  await signIn(phone, alice.email, password);
  // A new session id at sign-in: an id planted before it is worth nothing after.
  const after = (await phone.context().cookies())[0].value;
  assert.notEqual(after, before, "the session id did not change at sign-in");
  await visible(phone.getByRole("link", { name: alice.zone }), "the domain link");
  await shot(phone, "08-phone-dashboard");
  await phone.getByRole("link", { name: alice.zone }).click();
  await visible(phone.getByRole("heading", { name: alice.zone }), "the heading");
  await visible(phone.getByRole("textbox", { name: /^Records/ }), "the records field");
  await visible(phone.getByRole("button", { name: "Add records" }), "the add button");
  await visible(phone.getByRole("button", { name: `Delete www.${alice.zone}. A` }), "the A record's delete button");
  await visible(phone.locator("#rrsets td.records").filter({ hasText: "192.0.2.15" }), "the A records");
  await noSidewaysScroll(phone, "the domain page");
  await shot(phone, "09-phone-domain");
  await phone.goto(`${base}/keys`);
  await visible(phone.getByRole("button", { name: "Create key" }), "the keys page's create button");
  await visible(phone.getByLabel(/^ACME DNS-01 only/), "the ACME template");
  await noSidewaysScroll(phone, "the keys page");
  await phone.context().close();
  watch(page);
});

await step("without JavaScript: a record is added and the page shows the propagation status", async () => {
  const nojs = await signedIn({ javaScriptEnabled: false });
  await nojs.goto(`${base}/domains/${alice.zone}`);
  await addRecord(nojs, { name: "nojs", type: "AAAA", records: "2001:db8::1" });
  await visible(nojs.locator("#rrsets tr").filter({ hasText: "2001:db8::1" }), "the new AAAA row");
  assert.match(await nojs.locator("#propagation").innerText(), /[0-2] of 2 name servers updated/);
  await digEventually(`nojs.${alice.zone}`, "AAAA", "2001:db8::1");
  await nojs.reload();
  assert.match(await nojs.locator("#propagation").innerText(), /2 of 2 name servers updated/);
  await shot(nojs, "10-nojs-domain");
  await nojs.context().close();
  watch(page);
});

await step("the dashboard lists the domain with its record count", async () => {
  await page.goto(`${base}/dashboard`);
  const row = page.locator("#domains tr").filter({ hasText: alice.zone });
  await visible(row, "the domain's row");
  // SOA not counted: 2 NS, 1 MX, 3 A, 1 AAAA.
  assert.match(await row.innerText(), new RegExp(`${alice.zone.replace(/[.]/g, "\\.")}\\s+7\\s`));
  await bar(page, "domains", /^Domains: 1 of 3$/, 1);
  await bar(page, "records_per_domain", /^Records in the largest domain: 7 of 50$/, 7);
  await shot(page, "11-dashboard");
});

const acme = { name: `certbot-${run}`, secret: "", label: "" };

await step("API keys: an ACME DNS-01 only key for the domain; its secret shown once, copied; curl may set the TXT record, not an A record", async () => {
  await page.goto(`${base}/dashboard`);
  await page.locator("header").getByRole("link", { name: "API keys" }).click();
  await page.waitForURL(`${base}/keys`);
  await visible(page.getByRole("heading", { name: "API keys", exact: true }), "the heading");
  await visible(page.getByRole("heading", { name: "Create a key" }), "the form's heading");
  assert.equal(await page.getByLabel(/^Full access/).isChecked(), true);
  // The domain page's link chooses the ACME template and the domain.
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.getByRole("link", { name: `An API key for ACME DNS-01 on ${alice.zone}` }).click();
  await page.waitForURL(/\/keys\?template=acme&domain=/);
  assert.equal(await page.getByLabel(/^ACME DNS-01 only for one domain/).isChecked(), true);
  assert.equal(await page.getByLabel(/^Domain/).inputValue(), alice.zone);
  await page.getByLabel(/^Name/).fill(acme.name);
  await page.getByLabel(/^Expires after/).fill("30");
  // A wrong password: dnsapid's error next to the field, the form kept, no key.
  await page.getByLabel(/^Your password/).fill("wrong horse battery");
  await page.getByRole("button", { name: "Create key" }).click();
  await visible(page.locator("#err-key-password"), "the password's error");
  assert.equal(await page.getByLabel(/^Your password/).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#key-secret").count(), 0);
  assert.equal(await page.getByLabel(/^ACME DNS-01 only/).isChecked(), true);
  assert.equal(await page.getByLabel(/^Domain/).inputValue(), alice.zone);
  assert.equal(await page.getByLabel(/^Name/).inputValue(), acme.name);
  assert.equal(await page.getByLabel(/^Your password/).inputValue(), "", "the password is sent back");
  await page.getByLabel(/^Your password/).fill(password);
  await page.getByRole("button", { name: "Create key" }).click();
  await page.waitForLoadState("domcontentloaded");
  // The secret, once, with the warning and the copy button (the script shows it).
  acme.secret = await shownSecret(page, "the secret");
  acme.label = `${acme.name} (${acme.secret.slice(0, 14)})`;
  await visible(page.getByText("This secret is shown only this once."), "the warning");
  assert.match(await page.locator("#new-key").innerText(), /read-write · domains: .* · names: _acme-challenge\.\* · types: TXT · expires /);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const copy = page.getByRole("button", { name: "Copy" });
  await visible(copy, "the copy button");
  await copy.click();
  await visible(page.locator(".copy-status").getByText("Copied."), "the copied message");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), acme.secret);
  await shot(page, "14-keys-secret-once");
  // The key at work (curl): the ACME TXT record yes, an A record no.
  const zone = `/v1/domains/${alice.zone}/rrsets`;
  const put = apiStatus("PUT", `${zone}/_acme-challenge/TXT`, acme.secret, { ttl: 60, records: ['"acme-token-1"'] });
  assert.ok(put >= 200 && put < 300, `PUT _acme-challenge TXT with the ACME key: HTTP ${put}`);
  assert.equal(apiStatus("PUT", `${zone}/www/A`, acme.secret, { records: ["192.0.2.99"] }), 403);
  assert.equal(apiStatus("DELETE", `${zone}/www/A`, acme.secret), 403);
  assert.equal(apiStatus("GET", "/v1/keys", acme.secret), 403);
  await digEventually(`_acme-challenge.${alice.zone}`, "TXT", '"acme-token-1"');
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.14\n192.0.2.15");
  // Shown once: the keys page no longer has it; the list has the key, its scope and expiry.
  await page.goto(`${base}/keys`);
  assert.equal(await page.locator("#key-secret").count(), 0);
  assert.ok(!(await page.content()).includes(acme.secret), "the secret is shown again");
  const row = page.locator("#keys tr").filter({ hasText: acme.name });
  await visible(row, "the key's row");
  assert.match(await row.locator("td.scope").innerText(), new RegExp(`^read-write · domains: ${alice.zone.replace(/[.]/g, "\\.")} · names: _acme-challenge\\.\\* · types: TXT$`));
  assert.match(await row.innerText(), new RegExp(`${acme.secret.slice(0, 14)}[\\s\\S]*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
  assert.equal((await row.locator("td.status").innerText()).trim(), "active");
  await visible(row.getByRole("button", { name: `Revoke ${acme.label}` }), "the revoke button");
});

await step("revoke the key in the panel: dismissing the question keeps it, confirming revokes it; then it gets 401. Too many wrong passwords: the wait", async () => {
  const row = page.locator("#keys tr").filter({ hasText: acme.name });
  // dnsapid writes last_used_at at most a second after the use.
  for (let t = 0; t < 20 && /never/.test(await row.locator("td").nth(4).innerText()); t++) {
    await page.waitForTimeout(150);
    await page.reload();
  }
  assert.match(await row.locator("td").nth(4).innerText(), /UTC$/, "last used");
  // Without JavaScript the form carries no confirm=yes: a page asks; without the CSRF token, 403.
  const id = await row.getAttribute("data-key");
  const csrf = await page.locator("#create-key input[name=csrf]").inputValue();
  let r = await page.request.post(`${base}/keys/${id}/revoke`, { form: { csrf, confirm: "" }, maxRedirects: 0 });
  assert.equal(r.status(), 200);
  assert.match(await r.text(), new RegExp(`<h1>Revoke the key ${acme.name} \\(edk_[a-z2-7]{10}\\)\\?</h1>[\\s\\S]*name="confirm" value="yes"`));
  r = await page.request.post(`${base}/keys/${id}/revoke`, { form: { confirm: "yes" }, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  answerConfirms(false);
  await row.getByRole("button", { name: `Revoke ${acme.label}` }).click();
  await page.waitForTimeout(100);
  assert.equal(confirms.length, 1);
  assert.match(confirms[0], new RegExp(`^Revoke the key ${acme.name}`));
  assert.equal((await row.locator("td.status").innerText()).trim(), "active");
  assert.equal(apiStatus("GET", `/v1/domains/${alice.zone}/rrsets/_acme-challenge/TXT`, acme.secret), 200);
  answerConfirms(true);
  await Promise.all([page.waitForNavigation(), row.getByRole("button", { name: `Revoke ${acme.label}` }).click()]);
  answerConfirms(null);
  assert.equal(page.url(), `${base}/keys`);
  await visible(page.getByText(`Revoked key ${acme.label}: it is refused from now on.`), "the revoked message");
  assert.match(await row.locator("td.status").innerText(), /^revoked \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  assert.equal(await row.getByRole("button").count(), 0);
  assert.equal(apiStatus("PUT", `/v1/domains/${alice.zone}/rrsets/_acme-challenge/TXT`, acme.secret, { records: ['"acme-token-2"'] }), 401);
  assert.equal(apiStatus("GET", `/v1/domains/${alice.zone}/rrsets/_acme-challenge/TXT`, acme.secret), 401);
  await shot(page, "15-keys-revoked");
  // Wrong passwords: after sessions.max_failures (3) in this session, the wait next to the field.
  const form = { csrf, template: "read", domain: "", name: "", expires: "", current_password: "wrong horse battery" };
  for (let t = 0; t < 4 && (r = await page.request.post(`${base}/keys`, { form, maxRedirects: 0 })).status() === 422; t++);
  assert.equal(r.status(), 429);
  await page.getByLabel(/^Read only/).check();
  await page.getByLabel(/^Your password/).fill(password);
  await page.getByRole("button", { name: "Create key" }).click();
  await visible(page.locator("#err-key-password"), "the wait");
  assert.match(await page.locator("#err-key-password").innerText(), /^Too many attempts: please wait \d+ seconds/);
  assert.equal(await page.locator("#key-secret").count(), 0);
});

// --- zone history (issue 7): versions, a version's diff, restore -----------------------------

const history = { deleted: 0, before: 0, restored: 0 };
const zoneRe = alice.zone.replace(/[.]/g, "\\.");

await step("history: the domain page links to the zone's versions, newest first, with when, who, what and the records added and removed", async () => {
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.getByRole("link", { name: /^History: every change/ }).click();
  await page.waitForURL(`${base}/domains/${alice.zone}/history`);
  await visible(page.getByRole("heading", { name: `History of ${alice.zone}` }), "the heading");
  const rows = page.locator("#versions tbody tr");
  await visible(rows, "the versions");
  const serials = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.serial)));
  assert.ok(serials.length >= 6, `versions listed: ${serials}`);
  assert.deepEqual(serials, [...serials].sort((a, b) => b - a), "newest first");
  assert.equal(serials[serials.length - 1], 1);
  assert.match(await rows.first().innerText(), /now/);
  assert.match(await rows.last().innerText(), new RegExp(`^1\\s[\\s\\S]*create ${zoneRe}`));
  // The delete of the TXT record: by this session, one record removed.
  const del = rows.filter({ hasText: `DELETE xss.${alice.zone}` });
  await visible(del, "the delete's row");
  assert.match(await del.innerText(), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+you, in this session \(eds_[a-z2-7]{10}\)\s+from 127\.0\.0\.1[\s\S]*\+0\s+records added,\s+−1\s+records removed/);
  history.deleted = Number(await del.getAttribute("data-serial"));
  // The ACME key's change names the key.
  await visible(rows.filter({ hasText: new RegExp(`key ${acme.name} \\(edk_[a-z2-7]{10}\\)`) }), "the ACME key's change");
  await shot(page, "16-history");
  // A page at a time: the older versions behind the cursor, back to the newest.
  await page.goto(`${base}/domains/${alice.zone}/history?limit=2`);
  assert.equal(await rows.count(), 2);
  await page.getByRole("link", { name: "Older versions ›" }).click();
  await page.waitForURL(/\?cursor=\d+&limit=2$/);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.serial))), serials.slice(2, 4));
  await visible(page.getByRole("link", { name: "‹ Newest versions" }), "the link to the newest");
});

await step("a version: the delete's diff shows the TXT record removed; the version before it holds it, and what restoring would change now", async () => {
  await page.goto(`${base}/domains/${alice.zone}/history`);
  await page.getByRole("link", { name: `Version ${history.deleted}: DELETE xss.${alice.zone}`, exact: false }).click();
  await page.waitForURL(`${base}/domains/${alice.zone}/history/${history.deleted}`);
  await visible(page.getByRole("heading", { name: `Version ${history.deleted} of ${alice.zone}` }), "the heading");
  const removed = page.locator("#diff tr.removed").filter({ hasText: xss });
  await visible(removed, "the removed TXT record");
  assert.match(await removed.innerText(), new RegExp(`^− removed\\s+xss\\s+TXT\\s+3600\\s+"<script>`));
  assert.equal(await page.locator("#diff tr.added").count(), 0);
  await visible(page.getByRole("button", { name: "Restore this version" }), "the restore button");
  // The version before: the zone then holds the record (behind a disclosure), restoring would bring it back.
  await page.getByRole("link", { name: `‹ Version ${history.deleted - 1}` }).click();
  history.before = history.deleted - 1;
  await page.waitForURL(`${base}/domains/${alice.zone}/history/${history.before}`);
  const then = page.locator("#then-rrsets");
  assert.equal(await then.isVisible(), false, "the zone then is shown before it is asked for");
  await page.locator("#zone-then summary").click();
  await visible(then.locator("tr").filter({ hasText: xss }), "the TXT record in the zone then");
  await visible(then.locator("tr").filter({ hasText: "SOA" }), "the SOA then");
  await visible(page.locator("#preview tr.added").filter({ hasText: xss }), "the TXT record restoring would add");
  await visible(page.locator("#preview tr.removed").filter({ hasText: "2001:db8::1" }), "the AAAA record restoring would remove");
  assert.match(await page.locator("#preview tr.removed").filter({ hasText: "2001:db8::1" }).innerText(), /^− removed\s+nojs\s+AAAA/);
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, [], `dialogs opened: ${dialogs}`);
  await shot(page, "17-version");
});

await step("restore the version before the delete: dismissing the question keeps the zone; confirming restores it, 2 of 2 name servers, both edges answer the record again", async () => {
  const asked = confirms.length;
  answerConfirms(false);
  await page.getByRole("button", { name: "Restore this version" }).click();
  await page.waitForTimeout(150);
  assert.equal(confirms.length, asked + 1);
  assert.match(confirms[asked], new RegExp(`^Restore ${zoneRe} to version ${history.before}\\? \\d+ records? removed and \\d+ records? added, as a new change`));
  assert.equal(page.url(), `${base}/domains/${alice.zone}/history/${history.before}`);
  answerConfirms(true);
  await Promise.all([
    page.waitForURL(new RegExp(`/domains/${zoneRe}\\?change=\\d+$`)),
    page.getByRole("button", { name: "Restore this version" }).click(),
  ]);
  answerConfirms(null);
  const flashText = await page.locator(".flash.ok").innerText();
  const m = flashText.match(new RegExp(`^Restored version ${history.before} of ${zoneRe} as serial (\\d+) \\(RRsets: \\d+ created, \\d+ changed, \\d+ deleted\\)\\.$`));
  assert.ok(m, `the flash: ${flashText}`);
  history.restored = Number(m[1]);
  await visible(page.locator("#rrsets td.records").filter({ hasText: xss }), "the restored TXT record");
  assert.equal(await page.locator("#rrsets tr").filter({ hasText: "2001:db8::1" }).count(), 0);
  await propagationReachesAll(page);
  await shot(page, "18-restored");
  await digEventually(`xss.${alice.zone}`, "TXT", `"${xss}"`);
  await digEventually(`nojs.${alice.zone}`, "AAAA", "");
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.10\n192.0.2.11");
});

await step("after the restore: it is the newest version; a restore from a stale page is refused (412) and said so; an unknown version is 404", async () => {
  await page.goto(`${base}/domains/${alice.zone}/history`);
  const top = page.locator("#versions tbody tr").first();
  assert.equal(Number(await top.getAttribute("data-serial")), history.restored);
  assert.match(await top.innerText(), new RegExp(`restore to serial ${history.before}`));
  // Open a version, then the zone changes (another tab, here a request of the same session): the restore is refused.
  await page.goto(`${base}/domains/${alice.zone}/history/${history.deleted}`);
  const csrf = await page.locator("#restore input[name=csrf]").inputValue();
  const r = await page.request.post(`${base}/domains/${alice.zone}/records`, {
    form: { csrf, name: "stale", type: "A", ttl: "", records: "192.0.2.77" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 303);
  answerConfirms(true);
  const [answer] = await Promise.all([
    page.waitForResponse((res) => res.url().endsWith("/restore")),
    page.getByRole("button", { name: "Restore this version" }).click(),
  ]);
  answerConfirms(null);
  assert.equal(answer.status(), 412);
  await page.waitForLoadState("domcontentloaded");
  const err = page.locator("#restore-error");
  await visible(err, "the refusal");
  assert.match(await err.innerText(), new RegExp(`^Nothing was restored: ${zoneRe} has changed since you opened this page \\(it was at serial ${history.restored}, it is now at serial ${history.restored + 1}\\)`));
  assert.equal(await page.locator("#restore input[name=if_match]").inputValue(), String(history.restored + 1));
  await shot(page, "19-restore-stale");
  await page.goto(`${base}/domains/${alice.zone}`);
  await visible(page.locator("#rrsets td.records").filter({ hasText: xss }), "the TXT record, still there");
  await digEventually(`stale.${alice.zone}`, "A", "192.0.2.77");
  const missing = await page.goto(`${base}/domains/${alice.zone}/history/999999`);
  assert.equal(missing.status(), 404);
  await visible(page.getByRole("heading", { name: `There is no version 999999 of ${alice.zone}` }), "the not-found heading");
  await visible(page.getByRole("link", { name: `The history of ${alice.zone}` }), "the way back");
});

await step("history without JavaScript, and at phone width: the restore asks on a page of its own; no sideways scrolling", async () => {
  const nojs = await signedIn({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  await nojs.goto(`${base}/domains/${alice.zone}/history`);
  await visible(nojs.locator("#versions"), "the versions");
  await noSidewaysScroll(nojs, "the history page");
  await shot(nojs, "20-phone-history");
  await nojs.goto(`${base}/domains/${alice.zone}/history/${history.deleted}`);
  await visible(nojs.locator("#diff tr.removed").first(), "the diff");
  await noSidewaysScroll(nojs, "the version page");
  await nojs.getByRole("button", { name: "Restore this version" }).click();
  await visible(nojs.getByRole("heading", { name: `Restore ${alice.zone} to version ${history.deleted}?` }), "the question");
  await visible(nojs.locator("#preview tr.removed").filter({ hasText: xss }), "what the restore would remove");
  await visible(nojs.getByRole("button", { name: `Restore version ${history.deleted}` }), "the confirming button");
  await noSidewaysScroll(nojs, "the question page");
  await shot(nojs, "21-nojs-restore-question");
  await nojs.getByRole("link", { name: "Keep the zone as it is" }).click();
  await nojs.waitForURL(`${base}/domains/${alice.zone}/history/${history.deleted}`);
  await nojs.goto(`${base}/domains/${alice.zone}`);
  await visible(nojs.locator("#rrsets td.records").filter({ hasText: xss }), "the TXT record, kept");
  await nojs.context().close();
  watch(page);
});

// --- custom key scopes (keys page, "Custom") -------------------------------------------------
// The session of `page` may make no key for a while (the wrong passwords above): these steps
// sign in anew. They leave the zone's records as they found them.

const custom = { name: `deploy-www-${run}`, secret: "" };
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

await step("a custom key (read-write, one domain, www, A and AAAA): its fields shown only for Custom; its scope in words; curl may write A and AAAA at www, not TXT at www nor A elsewhere", async () => {
  const kp = await signedIn();
  await kp.goto(`${base}/keys`);
  const scope = kp.getByRole("group", { name: /^Custom scope/ });
  // With JavaScript: Full access chosen, neither the custom scope nor the ACME domain shown.
  assert.equal(await kp.getByLabel(/^Full access/).isChecked(), true);
  assert.equal(await scope.isVisible(), false, "the custom scope is shown for Full access");
  assert.equal(await kp.locator("#key-domain").isVisible(), false, "the ACME domain is shown for Full access");
  await kp.getByLabel(/^Custom/).check();
  await visible(scope, "the custom scope");
  assert.equal(await kp.locator("#key-domain").isVisible(), false, "the ACME domain is shown for Custom");
  // Every group has its legend; every control its label.
  for (const g of ["Access", /^Domains/, /^Record types/]) await visible(scope.getByRole("group", { name: g }), `the group ${g}`);
  assert.equal(await kp.getByLabel("Read", { exact: true }).isChecked(), true, "a custom key is read only until told");
  await visible(kp.getByLabel("Read and write", { exact: true }), "the read-and-write choice");
  await visible(kp.getByLabel(alice.zone, { exact: true }), "the domain's box");
  await visible(kp.getByLabel(/^Record names/), "the names field");
  for (const t of ["A", "AAAA", "TXT"]) await visible(kp.getByLabel(t, { exact: true }), `the ${t} box`);
  assert.match(await kp.locator("#hint-key-names").innerText(), /_acme-challenge\.\*/);
  await kp.getByLabel("Read and write", { exact: true }).check();
  await kp.getByLabel(alice.zone, { exact: true }).check();
  await kp.getByLabel(/^Record names/).fill(`\n  www.${alice.zone}  \n\n`);
  await kp.getByLabel("A", { exact: true }).check();
  await kp.getByLabel("AAAA", { exact: true }).check();
  await kp.getByLabel(/^Name/).fill(custom.name);
  await kp.getByLabel(/^Your password/).fill(password);
  await shot(kp, "22-keys-custom-form");
  await kp.getByRole("button", { name: "Create key" }).click();
  await kp.waitForLoadState("domcontentloaded");
  custom.secret = await shownSecret(kp, "the secret");
  const words = `read-write · domains: ${alice.zone} · names: www.${alice.zone} · types: A, AAAA`;
  assert.match(await kp.locator("#new-key").innerText(), new RegExp(`Scope: ${esc(words)} · does not expire\\.`));
  await shot(kp, "23-keys-custom-secret");
  // The key at work (curl): A and AAAA at www yes (the edges answer them); TXT at www, A at
  // other names, another domain (404: not there for the key) and the keys no.
  const zone = `/v1/domains/${alice.zone}/rrsets`;
  assert.equal(apiStatus("PATCH", `${zone}/www/A`, custom.secret, { add: ["192.0.2.12"] }), 200);
  assert.equal(apiStatus("PUT", `${zone}/www/AAAA`, custom.secret, { ttl: 300, records: ["2001:db8::12"] }), 200);
  assert.equal(apiStatus("GET", `${zone}/www/A`, custom.secret), 200);
  assert.equal(apiStatus("PUT", `${zone}/www/TXT`, custom.secret, { records: ['"not for this key"'] }), 403);
  assert.equal(apiStatus("PUT", `${zone}/mail/A`, custom.secret, { records: ["192.0.2.13"] }), 403);
  assert.equal(apiStatus("PATCH", `${zone}/@/A`, custom.secret, { add: ["192.0.2.14"] }), 403);
  assert.equal(apiStatus("GET", `${zone}/_acme-challenge/TXT`, custom.secret), 403);
  assert.equal(apiStatus("GET", `/v1/domains/other-${run}.test/rrsets`, custom.secret), 404);
  assert.equal(apiStatus("GET", "/v1/keys", custom.secret), 403);
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.10\n192.0.2.11\n192.0.2.12");
  await digEventually(`www.${alice.zone}`, "AAAA", "2001:db8::12");
  await digEventually(`mail.${alice.zone}`, "A", "");
  await digEventually(`www.${alice.zone}`, "TXT", "");
  // The records as they were, by the same key.
  assert.equal(apiStatus("PATCH", `${zone}/www/A`, custom.secret, { remove: ["192.0.2.12"] }), 200);
  assert.equal(apiStatus("PUT", `${zone}/www/AAAA`, custom.secret, { records: [] }), 200);
  await digEventually(`www.${alice.zone}`, "A", "192.0.2.10\n192.0.2.11");
  await digEventually(`www.${alice.zone}`, "AAAA", "");
  // The list: the key's scope in words.
  await kp.goto(`${base}/keys`);
  const row = kp.locator("#keys tr").filter({ hasText: custom.name });
  await visible(row, "the key's row");
  assert.equal((await row.locator("td.scope").innerText()).trim(), words);
  assert.equal((await row.locator("td.status").innerText()).trim(), "active");
  await kp.context().close();
  watch(page);
});

await step("a custom key with a name pattern dnsapid refuses: its error next to the names field, naming the pattern; the form kept", async () => {
  const kp = await signedIn();
  await kp.goto(`${base}/keys?template=custom`);
  const names = kp.getByLabel(/^Record names/);
  await visible(names, "the names field");
  await kp.getByLabel(alice.zone, { exact: true }).check();
  await names.fill(`_acme-challenge.*\nwww`);
  await kp.getByLabel("TXT", { exact: true }).check();
  await kp.getByLabel(/^Name/).fill(`bad-${run}`);
  await kp.getByLabel(/^Your password/).fill(password);
  await kp.getByRole("button", { name: "Create key" }).click();
  await kp.waitForLoadState("domcontentloaded");
  const err = kp.locator("#err-key-names");
  await visible(err, "the names' error");
  assert.match(await err.innerText(), /^www: patterns match whole names: write www\.example\.com or _acme-challenge\.\*, not www$/);
  assert.equal(await names.getAttribute("aria-invalid"), "true");
  assert.deepEqual((await names.getAttribute("aria-describedby")).split(" "), ["hint-key-names", "err-key-names"]);
  // The error follows the field it is about, inside the custom scope.
  assert.equal(await kp.locator("#custom-scope #key-names + #err-key-names").count(), 1);
  await visible(kp.locator("#form-error"), "the problem's summary above the form");
  // Kept: Custom chosen (its fields shown), the domain and TXT ticked, the names as written; no key, no password.
  assert.equal(await kp.getByLabel(/^Custom/).isChecked(), true);
  await visible(kp.getByRole("group", { name: /^Custom scope/ }), "the custom scope");
  assert.equal(await kp.getByLabel(alice.zone, { exact: true }).isChecked(), true);
  assert.equal(await kp.getByLabel("TXT", { exact: true }).isChecked(), true);
  assert.equal(await kp.getByLabel("A", { exact: true }).isChecked(), false);
  assert.equal(await kp.getByLabel("Read", { exact: true }).isChecked(), true);
  assert.equal(await names.inputValue(), "_acme-challenge.*\nwww");
  assert.equal(await kp.getByLabel(/^Name/).inputValue(), `bad-${run}`);
  assert.equal(await kp.getByLabel(/^Your password/).inputValue(), "");
  assert.equal(await kp.locator("#key-secret").count(), 0);
  assert.equal(await kp.locator("#keys tr").filter({ hasText: `bad-${run}` }).count(), 0);
  await shot(kp, "24-keys-custom-error");
  // Fixed, it is made.
  await names.fill(`_acme-challenge.*\nwww.${alice.zone}`);
  await kp.getByLabel(/^Your password/).fill(password);
  await kp.getByRole("button", { name: "Create key" }).click();
  await kp.waitForLoadState("domcontentloaded");
  await visible(kp.locator("#key-secret"), "the secret");
  assert.match(await kp.locator("#new-key").innerText(),
    new RegExp(`Scope: read only · domains: ${esc(alice.zone)} · names: _acme-challenge\\.\\*, www\\.${esc(alice.zone)} · types: TXT · does not expire\\.`));
  await kp.context().close();
  watch(page);
});

await step("custom scopes without JavaScript: every field shown; they make the scope for Custom only; at phone width they fit", async () => {
  const nojs = await signedIn({ javaScriptEnabled: false });
  await nojs.goto(`${base}/keys`);
  assert.equal(await nojs.getByLabel(/^Full access/).isChecked(), true);
  await visible(nojs.getByRole("group", { name: /^Custom scope/ }), "the custom scope");
  await visible(nojs.locator("#key-domain"), "the ACME domain");
  // Custom fields filled, another template chosen: they are not used.
  await nojs.getByLabel("Read and write", { exact: true }).check();
  await nojs.getByLabel("MX", { exact: true }).check();
  await nojs.getByLabel(/^Read only/).check();
  await nojs.getByLabel(/^Name/).fill(`nojs-read-${run}`);
  await nojs.getByLabel(/^Your password/).fill(password);
  await nojs.getByRole("button", { name: "Create key" }).click();
  await visible(nojs.locator("#key-secret"), "the secret");
  assert.match(await nojs.locator("#new-key").innerText(), /Scope: read only · every domain, name and type · does not expire\./);
  // Custom chosen: they are.
  await nojs.getByLabel(/^Custom/).check();
  await nojs.getByLabel("MX", { exact: true }).check();
  await nojs.getByLabel(/^Name/).fill(`nojs-mx-${run}`);
  await nojs.getByLabel(/^Your password/).fill(password);
  await nojs.getByRole("button", { name: "Create key" }).click();
  await visible(nojs.locator("#key-secret"), "the secret");
  assert.match(await nojs.locator("#new-key").innerText(), /Scope: read only · every domain and name · types: MX · does not expire\./);
  await shot(nojs, "25-keys-custom-nojs");
  await nojs.context().close();

  const phone = await signedIn({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await phone.goto(`${base}/keys?template=custom`);
  for (const l of [/^Custom/, "Read and write", alice.zone, /^Record names/, "AAAA", "LOC"]) {
    await visible(phone.getByLabel(l, typeof l === "string" ? { exact: true } : {}), `${l} at phone width`);
  }
  await noSidewaysScroll(phone, "the keys page");
  // The list scrolls in its box; the scope column is words, not a letter a line.
  const scopeCell = phone.locator("#keys tr").filter({ hasText: custom.name }).locator("td.scope");
  await scopeCell.scrollIntoViewIfNeeded();
  const cell = await scopeCell.boundingBox();
  assert.ok(cell.width >= 150, `the scope column is ${cell.width} px wide`);
  await shot(phone, "26-keys-custom-phone");
  await phone.context().close();
  watch(page);
});

await step("sign out: the login page, and the panel's pages want a login again", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${base}/login`);
  await visible(page.getByText("You are signed out."), "the signed-out message");
  await page.goto(`${base}/domains/${alice.zone}`);
  await page.waitForURL(`${base}/login`);
  await visible(page.getByText("Please sign in first."), "the sign-in request");
});

await step("sign in: a wrong password is refused; too many show the wait", async () => {
  for (let i = 0; i < 3; i++) {
    await page.getByLabel("Email", { exact: true }).fill(alice.email);
    await page.getByLabel("Password", { exact: true }).fill("wrong horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(page.locator("#form-error"), "the login error");
    assert.match(await page.locator("#form-error").innerText(), /the email or the password is not right/);
  }
  await shot(page, "12-login-failed");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await visible(page.locator("#form-error"), "the rate-limit error");
  assert.match(await page.locator("#form-error").innerText(), /Too many attempts: please wait \d+ seconds/);
  assert.equal(await page.getByLabel("Email", { exact: true }).inputValue(), alice.email);
  await shot(page, "13-login-rate-limited");
});

await finish();
