// Shared by the browser journeys: Debian's Chromium driven by playwright-core (it downloads no browser of its own),
// the application under test at BASE_URL (started by the JUnit test BrowserJourneyTest, with embedded PostgreSQL and
// demo data), sign-in through the real identity provider, and an axe-core check of WCAG 2.x A/AA on every page.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
export const SHOTS = process.env.SCREENSHOTS; // a folder: key pages are saved there as PNG (docs/ui/)

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // playwright gives each launch a new empty profile (--user-data-dir) and runs headless itself
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (its own cookies: its own identity-provider session). */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(90_000); // a waiting limit, not a timing assertion: CI machines can be busy
  const page = await context.newPage();
  page.on('pageerror', e => { throw e; });
  return page;
}

/** Signs in through the start page and the identity provider's form; waits for the session banner. */
export async function signIn(page, username, route = '/') {
  await page.goto(BASE + route);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/login/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.locator('#who').waitFor();
}

/** Fails on any WCAG 2.0/2.1/2.2 A or AA violation axe-core finds on the page as it is now. */
export async function accessible(page, what) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const found = result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `accessibility violations on ${what}`);
}

export async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The application's own API with a token from the script client (set-up steps only; the journeys use the UI). */
export async function apiAs(username) {
  const basic = Buffer.from('careledger-script:demo-script-secret').toString('base64');
  const r = await fetch(`${BASE}/oauth2/token`, { method: 'POST', headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', act_as: username }) });
  assert.equal(r.status, 200, `token for ${username}`);
  const token = (await r.json()).access_token;
  return async (method, path, body, headers = {}) => {
    const res = await fetch(BASE + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** A valid test-range NHS number (999 + 6 random digits + Modulus 11 check digit). */
export function freshNhsNumber() {
  for (;;) {
    const nine = '999' + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + (check === 11 ? 0 : check);
  }
}
