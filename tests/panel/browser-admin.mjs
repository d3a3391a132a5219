// SPDX-License-Identifier: MIT
// The panel's admin pages in a real browser (playwright-core, Debian's Chromium) against the real stack with sign-up closed: one scenario, step by step.
//
// Run by tests/bats/panel/120-admin-browser.bats, which starts MariaDB, dnsapid (sign-up
// closed), two edges and the panel, and makes the users: ADMIN_EMAIL (role admin, account
// "ops" on plan "free") and USER_EMAIL (role owner, account "shop" on plan "starter"), both
// with PASSWORD. Environment (the first four and the last three read by harness.mjs): PANEL_URL, DNSAPID_URL (for curl with a key made in the panel),
// EDGE_DNS_PORTS (the edges' DNS ports), EDGE_CTL (edge-ctl.bash, which stops and starts an
// edge; it needs BIN, SRC and BATS_FILE_TMPDIR), PANEL_SESSIONS (the panel's PHP session
// files), SHOTS (the directory for screenshots, named admin-NN-*.png), CHROMIUM (default
// /usr/bin/chromium), STEP (only the steps whose name contains it; default all). Prints
// "ok N - step" per step; exits 1 at the first failure, with a screenshot of the page
// (admin-failure-*.png) and the reason.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import {
  axeCheck, base, curlApi, dialogs, dig, finish, launch, newPage, noSidewaysScroll, shot, shownSecret, signIn, step, visible,
  watch,
} from "./harness.mjs";

const adminEmail = process.env.ADMIN_EMAIL;
const userEmail = process.env.USER_EMAIL;
const password = process.env.PASSWORD;
for (const v of ["ADMIN_EMAIL", "USER_EMAIL", "PASSWORD", "EDGE_CTL", "PANEL_SESSIONS"]) {
  assert.ok(process.env[v], `${v} is not set`);
}

const run = Date.now().toString(36);
const plan = `gold-${run}`;
const acme = { name: `acme-${run}`, secret: "" };
const newZone = "new-after-kill.test";
const xss = "<script>alert(1)</script>";

await launch({ shotPrefix: "admin-" });

// edge ACTION I: edge-ctl.bash stop|start I.
function edge(action, i) {
  execFileSync("bash", [process.env.EDGE_CTL, action, String(i)], { stdio: ["ignore", "pipe", "pipe"], timeout: 30000 });
}

// The row of server NAME on the servers page.
const serverRow = (page, name) => page.locator(`#servers tr[data-server="${name}"]`);

// serverState PAGE NAME: what the servers page says of NAME, from its cells.
async function serverState(page, name) {
  const row = serverRow(page, name);
  return {
    reach: (await row.locator("td.reach").innerText()).trim(),
    insync: (await row.locator("td.insync").innerText()).trim(),
    lag: (await row.locator("td.lag").innerText()).trim(),
    error: (await row.locator("td.error").innerText()).trim(),
  };
}

// untilServers PAGE TESTS WHAT: reloads the servers page until TESTS[name](state of name) holds
// for every name (10 s); returns the states by name.
async function untilServers(page, tests, what) {
  let states;
  for (let t = 0; t < 50; t++) {
    await page.goto(`${base}/admin/servers`);
    states = {};
    for (const name of Object.keys(tests)) states[name] = await serverState(page, name);
    if (Object.entries(tests).every(([name, test]) => test(states[name]))) return states;
    await page.waitForTimeout(200);
  }
  assert.fail(`not ${what}: ${JSON.stringify(states)}`);
}

const inSync = (x) => x.reach === "reachable" && x.insync === "yes";

// --- the scenario ----------------------------------------------------------------------------

const page = watch(await newPage());

await step("sign-up is closed: the sign-up page says so and has no form; the login page offers no sign-up link", async () => {
  await page.goto(`${base}/login`);
  await visible(page.getByRole("heading", { name: "Sign in" }), "the heading");
  await visible(page.getByRole("button", { name: "Sign in" }), "the sign-in button");
  assert.equal(await page.getByRole("link", { name: /sign up/i }).count(), 0, "a sign-up link on the login page");
  await page.goto(`${base}/signup`);
  await visible(page.getByRole("heading", { name: "Sign up" }), "the heading");
  await visible(page.getByText("Sign-up is closed on this service"), "the closed message");
  assert.equal(await page.locator("main form").count(), 0, "a form on the closed sign-up page");
  assert.equal(await page.locator("input[type=password]").count(), 0);
  await visible(page.locator("main").getByRole("link", { name: "Sign in" }), "the sign-in link");
  await shot(page, "01-signup-closed");
  // A sign-up posted all the same (with this session's token): dnsapid refuses, the page says closed.
  await page.goto(`${base}/login`);
  const csrf = await page.locator("input[name=csrf]").first().inputValue();
  const r = await page.request.post(`${base}/signup`, {
    form: { csrf, email: `eve-${run}@example.test`, password, account: "" },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 403);
  const html = await r.text();
  assert.match(html, /Sign-up is closed on this service/);
  assert.ok(!html.includes('action="/signup"'), "the refusal offers the form");
});

await step("a customer (role owner): no Admin link, and a 403 page on every admin page", async () => {
  const owner = watch(await newPage());
  await signIn(owner, userEmail, password);
  await visible(owner.locator("header").getByRole("link", { name: "API keys" }), "the header's links");
  assert.equal(await owner.locator("header").getByRole("link", { name: "Admin" }).count(), 0, "an Admin link for an owner");
  for (const path of ["/admin", "/admin/accounts", "/admin/accounts/1", "/admin/plans", "/admin/plans/starter", "/admin/servers"]) {
    const r = await owner.goto(`${base}${path}`);
    assert.equal(r.status(), 403, `GET ${path}`);
    await visible(owner.getByRole("heading", { name: "Admins only" }), `the 403 heading of ${path}`);
    assert.match(await owner.locator("main").innerText(), /your user is not an admin/);
  }
  await visible(owner.getByRole("link", { name: "Back to the panel" }), "the way back");
  await shot(owner, "02-owner-403");
  // The owner's own form token does not open the admin forms either.
  const csrf = await owner.locator("input[name=csrf]").first().inputValue();
  const r = await owner.request.post(`${base}/admin/plans`, { form: { csrf, name: `sneaky-${run}` }, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  assert.match(await r.text(), /Admins only/);

  // A session that believes it is an admin's (its file edited) is refused by dnsapid: the same
  // clear page, with dnsapid's reason, never a PHP error.
  // The cookie holds the session id URL-encoded (its alphabet has "," and "-").
  const id = decodeURIComponent((await owner.context().cookies()).find((c) => c.name === "endpointdns_panel").value);
  const file = `${process.env.PANEL_SESSIONS}/sess_${id}`;
  const data = readFileSync(file, "utf8");
  assert.ok(data.includes('s:4:"role";s:5:"owner"'), `the session file: ${data}`);
  writeFileSync(file, data.replace('s:4:"role";s:5:"owner"', 's:4:"role";s:5:"admin"'));
  let res = await owner.goto(`${base}/admin/accounts`);
  assert.equal(res.status(), 403);
  await visible(owner.getByRole("heading", { name: "Admins only" }), "the 403 heading after dnsapid's refusal");
  assert.match(await owner.locator("main").innerText(), /The DNS API answered: this resource needs the admin key or the session of an admin user/);
  await visible(owner.locator("header").getByRole("link", { name: "Admin" }), "the link the edited session shows");
  res = await owner.goto(`${base}/admin/servers`);
  assert.equal(res.status(), 403);
  await shot(owner, "03-owner-403-from-dnsapid");
  await owner.context().close();
  watch(page);
});

await step("the admin signs in: the Admin link; the accounts page lists the accounts with their plans", async () => {
  await signIn(page, adminEmail, password);
  const link = page.locator("header").getByRole("link", { name: "Admin", exact: true });
  await visible(link, "the Admin link");
  await link.click();
  await page.waitForURL(`${base}/admin/accounts`);
  await visible(page.getByRole("heading", { name: "Accounts", exact: true }), "the heading");
  await visible(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Name servers" }), "the admin navigation");
  assert.equal(await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Accounts" }).getAttribute("aria-current"), "page");
  const table = page.locator("#accounts");
  await visible(table, "the accounts table");
  const shop = table.locator("tr").filter({ hasText: "shop" });
  await visible(shop, "the shop account's row");
  assert.match(await shop.innerText(), /shop\s+starter\s+—\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.match(await table.locator("tr").filter({ hasText: "ops" }).innerText(), /ops\s+free/);
  await visible(page.getByRole("button", { name: "Create account" }), "the create button");
  await shot(page, "04-accounts");
});

await step("create a plan: a bad value gets its error next to the field, the form kept; then the plan is listed", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Plans" }).click();
  await page.waitForURL(`${base}/admin/plans`);
  await visible(page.locator("#plans tr[data-plan=starter]"), "the starter plan's row");
  await page.getByLabel(/^Name/).fill(plan);
  await page.getByLabel(/^Domains/).fill("ten");
  await page.getByLabel(/^Records per domain/).fill("100");
  await page.getByRole("button", { name: "Create plan" }).click();
  await page.waitForLoadState("domcontentloaded");
  const err = page.locator("#err-plan-max-domains");
  await visible(err, "the domains field's error");
  assert.match(await err.innerText(), /whole number/);
  const field = page.getByLabel(/^Domains/);
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.equal(await field.getAttribute("aria-describedby"), "err-plan-max-domains");
  assert.equal(await field.inputValue(), "ten");
  assert.equal(await page.getByLabel(/^Name/).inputValue(), plan);
  assert.equal(await page.getByLabel(/^Records per domain/).inputValue(), "100");
  assert.equal(await page.getByLabel(/^Records per domain/).getAttribute("aria-invalid"), null);
  assert.equal(await page.locator(`#plans tr[data-plan="${plan}"]`).count(), 0);
  await shot(page, "05-plan-field-error");
  await field.fill("5");
  await page.getByRole("button", { name: "Create plan" }).click();
  await page.waitForURL(`${base}/admin/plans`);
  await visible(page.getByText(`Plan ${plan} created.`), "the created message");
  const row = page.locator(`#plans tr[data-plan="${plan}"]`);
  await visible(row, "the new plan's row");
  assert.equal((await row.locator("td.max_domains").innerText()).trim(), "5");
  assert.equal((await row.locator("td.max_records_per_domain").innerText()).trim(), "100");
  assert.equal((await row.locator("td.max_calls_per_day").innerText()).trim(), "unlimited");
  assert.equal((await row.locator("td.accounts").innerText()).trim(), "0");
  // A name taken already: said next to the name.
  await page.getByLabel(/^Name/).fill("starter");
  await page.getByRole("button", { name: "Create plan" }).click();
  await visible(page.locator("#err-plan-name"), "the name's error");
  assert.match(await page.locator("#form-error").innerText(), /plan starter already exists/);
});

await step("edit a plan's limits: a bad value refused next to its field, then saved and shown", async () => {
  await page.goto(`${base}/admin/plans`);
  await page.getByRole("link", { name: `Edit plan ${plan}` }).click();
  await page.waitForURL(`${base}/admin/plans/${plan}`);
  await visible(page.getByRole("heading", { name: `Plan ${plan}` }), "the heading");
  assert.equal(await page.getByLabel(/^Domains/).inputValue(), "5");
  await page.getByLabel(/^API calls per day/).fill("-1");
  await page.getByRole("button", { name: "Save limits" }).click();
  await visible(page.locator("#err-plan-max-calls-per-day"), "the calls field's error");
  assert.equal(await page.getByLabel(/^API calls per day/).getAttribute("aria-invalid"), "true");
  await page.getByLabel(/^API calls per day/).fill("1000");
  await page.getByRole("button", { name: "Save limits" }).click();
  await page.waitForURL(`${base}/admin/plans`);
  await visible(page.getByText(`Plan ${plan} saved`), "the saved message");
  const row = page.locator(`#plans tr[data-plan="${plan}"]`);
  assert.equal((await row.locator("td.max_calls_per_day").innerText()).trim(), "1,000");
  assert.equal((await row.locator("td.max_domains").innerText()).trim(), "5");
  await shot(page, "06-plans");
});

await step("create an account on the new plan: its first key shown once, and working", async () => {
  await page.goto(`${base}/admin/accounts`);
  await page.getByLabel(/^Name/).fill(acme.name);
  await page.getByLabel("Plan", { exact: true }).selectOption(plan);
  await page.getByLabel(/^Contact email/).fill(`ops@${acme.name}.example`);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForLoadState("domcontentloaded");
  await visible(page.getByText(`Account ${acme.name} created on plan ${plan}.`), "the created message");
  acme.secret = await shownSecret(page, "the first key's secret");
  await visible(page.getByText("This secret is shown only this once."), "the warning");
  await visible(page.getByRole("button", { name: "Copy" }), "the copy button");
  await visible(page.locator("#accounts tr").filter({ hasText: acme.name }), "the new account's row");
  await shot(page, "07-account-created");
  const r = curlApi("GET", "/v1/account", acme.secret);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).plan.plan, plan);
  // Shown once: not on the next visit.
  await page.goto(`${base}/admin/accounts`);
  assert.equal(await page.locator("#key-secret").count(), 0);
  assert.ok(!(await page.content()).includes(acme.secret), "the secret is shown again");
  // The same name again: its error next to the field.
  await page.getByLabel(/^Name/).fill(acme.name);
  await page.getByLabel("Plan", { exact: true }).selectOption("free");
  await page.getByRole("button", { name: "Create account" }).click();
  await visible(page.locator("#err-acc-name"), "the name's error");
  assert.equal(await page.getByLabel(/^Name/).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#key-secret").count(), 0);
});

await step("an account's page: change its plan; add a user, who can sign in", async () => {
  await page.goto(`${base}/admin/accounts`);
  await page.locator("#accounts").getByRole("link", { name: acme.name }).click();
  await page.waitForURL(/\/admin\/accounts\/\d+$/);
  await visible(page.getByRole("heading", { name: `Account ${acme.name}` }), "the heading");
  assert.equal((await page.locator("#account-plan a").innerText()).trim(), plan);
  await visible(page.locator("#no-users"), "the no-users line");
  await page.getByLabel(`Plan of ${acme.name}`).selectOption("starter");
  await page.getByRole("button", { name: "Change plan" }).click();
  await page.waitForURL(/\/admin\/accounts\/\d+$/);
  await visible(page.getByText(`Account ${acme.name} is now on plan starter`), "the changed message");
  assert.equal((await page.locator("#account-plan a").innerText()).trim(), "starter");
  assert.equal(JSON.parse(curlApi("GET", "/v1/account", acme.secret).body).plan.plan, "starter");
  // Its usage against the plan: a domain made with its key shows on its page.
  assert.equal(curlApi("POST", "/v1/domains", acme.secret, { name: `${acme.name}.test` }).status, 201);
  await page.reload();
  assert.equal((await page.locator("#usage-domains").innerText()).trim(), "1");
  assert.match((await page.locator('label[for="bar-domains"]').innerText()).trim(), /^Domains: 1 of \d+$/);
  await visible(page.locator("#bar-domains"), "the domains bar");
  // The list says so too.
  const email = `dev@${acme.name}.example`;
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel(/^Password/).fill("short");
  await page.locator("#add-user").evaluate((f) => (f.noValidate = true));
  await page.getByRole("button", { name: "Add user" }).click();
  await visible(page.locator("#err-user-password"), "the password's error");
  assert.equal(await page.getByLabel(/^Password/).inputValue(), "", "the password is sent back");
  assert.equal(await page.getByLabel("Email", { exact: true }).inputValue(), email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Add user" }).click();
  await page.waitForURL(/\/admin\/accounts\/\d+$/);
  await visible(page.getByText(`User ${email} (owner) added`), "the added message");
  await visible(page.locator("#users tr").filter({ hasText: email }), "the user's row");
  assert.equal((await page.locator("#account-users-count").innerText()).trim(), "1");
  await shot(page, "08-account");
  const r = curlApi("POST", "/v1/sessions", "", { email, password });
  assert.equal(r.status, 201, r.body);
  await page.goto(`${base}/admin/accounts`);
  assert.match(await page.locator("#accounts tr").filter({ hasText: acme.name }).innerText(), new RegExp(`${acme.name}\\s+starter`));
});

await step("name servers: both edges reachable and in sync, a Full sync button each", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Name servers" }).click();
  await page.waitForURL(`${base}/admin/servers`);
  await visible(page.getByRole("heading", { name: "Name servers" }), "the heading");
  for (const name of ["ns1", "ns2"]) {
    await visible(serverRow(page, name), `${name}'s row`);
    const s = await serverState(page, name);
    assert.deepEqual([s.reach, s.insync, s.lag, s.error], ["reachable", "yes", "in sync", "—"], `${name}: ${JSON.stringify(s)}`);
    assert.match(await serverRow(page, name).locator("td.contact").innerText(), /^[\d.]+ (s|min) ago$/);
    await visible(page.getByRole("button", { name: `Full sync of ${name}` }), `${name}'s Full sync button`);
  }
  await shot(page, "09-servers-insync");
});

await step("an edge killed: after a change it is shown unreachable and lagging, the other in sync", async () => {
  edge("stop", 2);
  const r = curlApi("POST", "/v1/domains", acme.secret, { name: newZone });
  assert.equal(r.status, 201, r.body);
  const { ns2: s } = await untilServers(page, { ns1: inSync, ns2: (x) => x.reach === "unreachable" && x.insync === "no" },
    "ns1 in sync, ns2 unreachable and lagging");
  assert.match(s.lag, /^1 zone, 1 serial step, [\d.]+ (s|min) behind; oldest pending change \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  assert.match(s.error, /^unreachable: /);
  assert.match(await serverRow(page, "ns2").getAttribute("class"), /server-unreachable lagging/);
  await visible(serverRow(page, "ns2").locator("td.error"), "ns2's error");
  await shot(page, "10-servers-edge-down");
});

await step("Full sync while the edge is down: asked and reported; the edge back and synced: in sync again", async () => {
  await page.getByRole("button", { name: "Full sync of ns2" }).click();
  await page.waitForURL(`${base}/admin/servers`);
  await visible(page.getByText(/^Full sync of ns2 started: .*whatever differs from the database is pushed \(\d+ zones? in the database\)/), "the sync message");
  assert.equal((await serverState(page, "ns2")).insync, "no");
  edge("start", 2);
  // With the keyboard: Tab to ns2's button, Enter.
  await page.goto(`${base}/admin/servers`);
  const button = page.getByRole("button", { name: "Full sync of ns2" });
  for (let t = 0; t < 60 && !(await button.evaluate((b) => b === document.activeElement)); t++) await page.keyboard.press("Tab");
  assert.ok(await button.evaluate((b) => b === document.activeElement), "ns2's Full sync button is not reachable with Tab");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  await visible(page.getByText(/^Full sync of ns2 started/), "the sync message");
  await shot(page, "11-servers-sync-asked");
  const { ns2: s } = await untilServers(page, { ns1: inSync, ns2: inSync }, "both in sync again");
  assert.equal(s.lag, "in sync");
  assert.match(s.error, /^unreachable: [\s\S]*answered since$/);
  const soa = dig(1, newZone, "SOA");
  assert.match(soa, /^ns1\.endpointdns\.test\. hostmaster\.endpointdns\.test\. \d+ /, `edge 2 answers '${soa}'`);
  await shot(page, "12-servers-back-in-sync");
});

await step("a POST without the CSRF token, or with another, to the admin forms is refused and changes nothing", async () => {
  let r = await page.request.post(`${base}/admin/plans`, { form: { name: `nocsrf-${run}` }, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  assert.match(await r.text(), /security token \(CSRF\)/);
  r = await page.request.post(`${base}/admin/plans`, { form: { csrf: "0".repeat(64), name: `nocsrf-${run}` }, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  r = await page.request.post(`${base}/admin/servers/ns1/sync`, { maxRedirects: 0 });
  assert.equal(r.status(), 403);
  r = await page.request.post(`${base}/admin/accounts`, { form: { name: `nocsrf-${run}`, plan: "free" }, maxRedirects: 0 });
  assert.equal(r.status(), 403);
  // A real form with a forged token: the refusal page.
  await page.goto(`${base}/admin/plans`);
  await page.locator("#create-plan input[name=csrf]").evaluate((i) => (i.value = "forged"));
  await page.getByLabel(/^Name/).fill(`nocsrf-${run}`);
  await page.getByRole("button", { name: "Create plan" }).click();
  await visible(page.getByRole("heading", { name: "Form refused" }), "the refusal");
  await page.goto(`${base}/admin/plans`);
  assert.equal(await page.locator(`#plans tr[data-plan="nocsrf-${run}"]`).count(), 0);
  // Nor did the owner's POST of an earlier step make its plan.
  assert.equal(await page.locator(`#plans tr[data-plan="sneaky-${run}"]`).count(), 0);
  await page.goto(`${base}/admin/accounts`);
  assert.equal(await page.locator("#accounts tr").filter({ hasText: `nocsrf-${run}` }).count(), 0);
});

await step("names are text: an account email holding <script> is shown as text", async () => {
  // dnsapid takes any address without blanks: <script>alert(1)</script>@x.example is one.
  const r = curlApi("POST", "/v1/sessions", "", { email: adminEmail, password });
  const token = JSON.parse(r.body).token;
  const email = `${xss.replace(/ /g, "")}@x.example`;
  const made = curlApi("POST", "/v1/accounts", token, { name: `xss-${run}`, plan: "free", email });
  assert.equal(made.status, 201, made.body);
  curlApi("DELETE", "/v1/sessions/current", token);
  await page.goto(`${base}/admin/accounts`);
  const cell = page.locator("#accounts tr").filter({ hasText: `xss-${run}` }).locator("td.email");
  await visible(cell, "the email cell");
  assert.equal((await cell.innerText()).trim(), email);
  assert.deepEqual(await page.locator("script").evaluateAll((s) => s.map((x) => x.getAttribute("src"))), ["/panel.js"]);
  assert.deepEqual(dialogs, []);
});

await step("accessibility: axe-core finds no WCAG 2.1 A/AA violation on the admin pages (lists, an account, a plan, forms with field errors, a new account's key), the 403 page and the closed sign-up", async () => {
  // axe is injected as a script: pages whose context lets it past the panel's CSP.
  const owner = watch(await newPage({ bypassCSP: true }));
  await axeCheck(owner, "/login", "the sign-in page without sign-up");
  await axeCheck(owner, "/signup", "the closed sign-up page");
  await signIn(owner, userEmail, password);
  await axeCheck(owner, "/admin/accounts", "the 403 page");
  await owner.context().close();

  const a = watch(await newPage({ bypassCSP: true }));
  const check = (path, what) => axeCheck(a, path, what);
  await signIn(a, adminEmail, password);
  await check("/admin/accounts", "the accounts page");
  await a.getByLabel(/^Name/).fill(acme.name);
  await a.getByLabel("Plan", { exact: true }).selectOption("free");
  await a.getByRole("button", { name: "Create account" }).click();
  await visible(a.locator("#err-acc-name"), "the name's error");
  await check(null, "the accounts page with a field error");
  await a.getByLabel(/^Name/).fill(`a11y-${run}`);
  await a.getByLabel("Plan", { exact: true }).selectOption("free");
  await a.getByRole("button", { name: "Create account" }).click();
  await shownSecret(a, "the new account's key");
  await check(null, "the accounts page with a new account's key");
  await a.locator("#accounts").getByRole("link", { name: acme.name }).click();
  await a.waitForURL(/\/admin\/accounts\/\d+$/);
  await check(null, "an account's page");
  await a.getByLabel("Email", { exact: true }).fill(`a11y@${acme.name}.example`);
  await a.getByLabel(/^Password/).fill("short");
  await a.locator("#add-user").evaluate((f) => (f.noValidate = true));
  await a.getByRole("button", { name: "Add user" }).click();
  await visible(a.locator("#err-user-password"), "the password's error");
  await check(null, "an account's page with a field error");
  await check("/admin/plans", "the plans page");
  await a.getByLabel(/^Name/).fill(`a11y-${run}`);
  await a.getByLabel(/^Domains/).fill("ten");
  await a.getByRole("button", { name: "Create plan" }).click();
  await visible(a.locator("#err-plan-max-domains"), "the domains field's error");
  await check(null, "the plans page with a field error");
  await check(`/admin/plans/${plan}`, "a plan's page");
  await a.getByLabel(/^API calls per day/).fill("-1");
  await a.getByRole("button", { name: "Save limits" }).click();
  await visible(a.locator("#err-plan-max-calls-per-day"), "the calls field's error");
  await check(null, "a plan's page with a field error");
  await check("/admin/servers", "the servers page");
  await a.context().close();
  watch(page);
});

await step("phone width: the admin pages do not scroll sideways; their tables are cards, their buttons in reach", async () => {
  const phone = watch(await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }));
  await signIn(phone, adminEmail, password);
  await phone.goto(`${base}/admin/accounts`);
  await visible(phone.locator("#accounts tr").filter({ hasText: acme.name }).getByRole("link", { name: acme.name }), "the account's link");
  await visible(phone.getByRole("button", { name: "Create account" }), "the create button");
  await noSidewaysScroll(phone, "the accounts page");
  await shot(phone, "13-phone-accounts");
  await phone.goto(`${base}/admin/plans`);
  const cell = phone.locator(`#plans tr[data-plan="${plan}"] td.max_calls_per_day`);
  await visible(cell, "the plan's calls per day");
  assert.equal((await cell.innerText()).trim(), "1,000");
  // A card: each value on its line, after its label (the column's heading is hidden).
  assert.match(await cell.evaluate((td) => getComputedStyle(td, "::before").content), /API calls per day: /);
  assert.equal(await phone.locator("#plans thead").evaluate((t) => t.getBoundingClientRect().height <= 1), true);
  await visible(phone.getByRole("button", { name: "Create plan" }), "the create button");
  await noSidewaysScroll(phone, "the plans page");
  await shot(phone, "14-phone-plans");
  await phone.goto(`${base}/admin/servers`);
  for (const name of ["ns1", "ns2"]) {
    await visible(phone.getByRole("button", { name: `Full sync of ${name}` }), `${name}'s Full sync button`);
    await visible(serverRow(phone, name).locator("td.lag"), `${name}'s lag`);
  }
  await noSidewaysScroll(phone, "the servers page");
  await shot(phone, "15-phone-servers");
  await phone.goto(`${base}/admin/plans/${plan}`);
  await visible(phone.getByRole("button", { name: "Save limits" }), "the save button");
  await noSidewaysScroll(phone, "the plan page");
  await phone.context().close();
  watch(page);
});

await step("without JavaScript: a plan change and a Full sync work, with their messages", async () => {
  const nojs = watch(await newPage({ javaScriptEnabled: false }));
  await signIn(nojs, adminEmail, password);
  await nojs.goto(`${base}/admin/plans/${plan}`);
  await nojs.getByLabel(/^Burst/).fill("7");
  await nojs.getByRole("button", { name: "Save limits" }).click();
  await nojs.waitForURL(`${base}/admin/plans`);
  assert.equal((await nojs.locator(`#plans tr[data-plan="${plan}"] td.rate_burst`).innerText()).trim(), "7");
  await nojs.goto(`${base}/admin/servers`);
  await nojs.getByRole("button", { name: "Full sync of ns1" }).click();
  await nojs.waitForURL(`${base}/admin/servers`);
  await visible(nojs.getByText(/^Full sync of ns1 started/), "the sync message");
  await shot(nojs, "16-nojs-servers");
  await nojs.context().close();
  watch(page);
});

await finish();
