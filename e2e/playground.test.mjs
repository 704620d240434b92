// The GraphiQL playground served at /graphql, driven in headless Chromium: it loads with nothing
// from another origin, shows the schema documentation, runs a typed query, and sends the token
// pasted into the Headers editor, over HTTP and in the WebSocket's connection_init (subscriptions).
//
// Environment: BASE_URL (the running server, e.g. http://127.0.0.1:8000), TOKEN (a recruiter of
// IOM, from `jobboard token --role RECRUITER --org IOM`), CHROMIUM (default /usr/bin/chromium),
// SCREENSHOT_DIR (default ../target/e2e).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8000';
const TOKEN = process.env.TOKEN;
const SCREENSHOTS =
  process.env.SCREENSHOT_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'e2e');
const TIMEOUT = 15_000;
const HEADERS = 'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)';

let browser;
let page;
let screenshotTaken = false;

/** The CI artifact: target/e2e/playground.png. */
async function screenshot() {
  await page.screenshot({ path: join(SCREENSHOTS, 'playground.png') }).catch(() => {});
  screenshotTaken = true;
}
const foreignRequests = [];
const pageErrors = [];
const policyViolations = [];

before(async () => {
  assert.ok(TOKEN, 'TOKEN must hold a recruiter token');
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
  const origin = new URL(BASE_URL).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) foreignRequests.push(url);
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // Chromium reports what the page's Content-Security-Policy blocked on the console.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
  });
  if (process.env.DEBUG_WS) {
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => console.log('ws sent', f.payload));
      ws.on('framereceived', (f) => console.log('ws received', f.payload));
    });
  }
  await page.goto(`${BASE_URL}/graphql`);
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
});

after(async () => {
  if (page && !screenshotTaken) await screenshot();
  await browser?.close();
});

/** The text of one of GraphiQL's CodeMirror editors (all of it, not only the visible lines). */
function editorValue(selector) {
  return page.evaluate((s) => document.querySelector(`${s} .CodeMirror`).CodeMirror.getValue(), selector);
}

/** Replaces an editor's content by typing it, as a user would (or pasting it, with `paste`). */
async function typeInto(selector, text, { paste = false } = {}) {
  await page.locator(`${selector} .CodeMirror`).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // CodeMirror closes brackets and quotes itself and types over them, so the text comes out as typed.
  if (paste) await page.keyboard.insertText(text);
  else await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Escape'); // close any completion list
  const typed = await editorValue(selector);
  assert.equal(typed.replace(/\s+/g, ''), text.replace(/\s+/g, ''), 'the editor holds what was typed');
  if (selector === '.graphiql-query-editor') {
    // GraphiQL parses the query a moment after the last keystroke, and picks HTTP or WebSocket
    // from that parse: run only once it has caught up, as a person would.
    await page.waitForFunction(() => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
      return editor.documentAST?.loc?.source?.body === editor.getValue();
    });
  }
}

/** Runs the operation in the editor and returns the parsed JSON of the result pane. */
async function run() {
  const before = await editorValue('.result-window');
  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(
    (previous) => {
      const value = document.querySelector('.result-window .CodeMirror').CodeMirror.getValue();
      return value.trim() !== '' && value !== previous;
    },
    before,
  );
  return JSON.parse(await editorValue('.result-window'));
}

test('the playground loads everything from the API itself', async () => {
  assert.equal(await page.title(), 'Job board API — GraphiQL');
  assert.deepEqual(foreignRequests, []);
  assert.deepEqual(pageErrors, []);
  const response = await page.request.get(`${BASE_URL}/graphql`, { headers: { accept: 'text/html' } });
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
});

test('the documentation explorer shows the schema', async () => {
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByText('Mutation', { exact: true }).first().waitFor();
  await docs.getByText('Query', { exact: true }).first().click();
  await docs.getByText('vacancies', { exact: true }).first().waitFor();
  assert.match(await docs.innerText(), /Vacancies the caller may see/);
});

test('a typed query runs and its result shows in the page', async () => {
  await typeInto('.graphiql-query-editor', '{ organisation(acronym: "IOM") { acronym name } }');
  const result = await run();
  assert.equal(result.data.organisation.acronym, 'IOM');
});

test('a token pasted into the Headers editor authenticates the request', async () => {
  await typeInto('.graphiql-query-editor', '{ me { role organisation { acronym } } }');
  const anonymous = await run();
  assert.equal(anonymous.data.me, null);

  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  await typeInto(HEADERS, `{ "Authorization": "Bearer ${TOKEN}" }`, {
    paste: true,
  });
  const signedIn = await run();
  assert.equal(signedIn.data.me.role, 'RECRUITER');
  assert.equal(signedIn.data.me.organisation.acronym, 'IOM');
  // The token lives in the page only, never in localStorage.
  const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }));
  assert.doesNotMatch(stored, new RegExp(TOKEN.slice(-20)));
});

/** Creates and publishes a notice in Rabat as the recruiter; returns its reference. */
async function publishVacancy() {
  const reference = `E2E/${Date.now()}`;
  const call = async (query, variables) => {
    const response = await fetch(`${BASE_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  };
  const { createVacancy } = await call(
    'mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }',
    {
      input: {
        reference,
        authoritativeLanguage: 'fr',
        grade: 'G6',
        openToInternal: true,
        openToExternal: true,
        timeZone: 'Africa/Casablanca',
        closingDate: `${new Date().getUTCFullYear() + 1}-12-31`,
        dutyStations: [{ city: 'Rabat', country: 'MA' }],
        languages: [{ language: 'fr', level: 'EXCELLENT', requirement: 'REQUIRED' }],
        qualificationPaths: [{ educationLevel: 'BACHELOR', minYearsExperience: 4 }],
        texts: [{ language: 'fr', title: 'Assistant(e) de projet', responsibilities: ['Assister'] }],
      },
    },
  );
  await call('mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { status } }', createVacancy);
  return reference;
}

test('a subscription runs in the playground over WebSocket, with the pasted token', async () => {
  await typeInto('.graphiql-query-editor', 'subscription { vacancyPublished(filter: { country: "MA" }) { reference } }');
  await page.locator('.graphiql-execute-button').click();
  // The subscription is live once the socket is open; publish until an event shows (bounded).
  const published = [];
  const deadline = Date.now() + 20_000;
  let shown = null;
  while (shown === null && Date.now() < deadline) {
    published.push(await publishVacancy());
    try {
      await page.waitForFunction(
        () => /E2E\/\d+/.test(document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()),
        null,
        { timeout: 2_000 },
      );
      shown = JSON.parse(await editorValue('.result-window'));
    } catch {
      // not yet: publish another
    }
  }
  assert.ok(shown, `no event in the result pane after publishing ${published.join(', ')}`);
  assert.ok(published.includes(shown.data.vacancyPublished.reference), JSON.stringify(shown));
  await screenshot();
  // While a subscription runs, the run button stops it.
  await page.locator('button.graphiql-execute-button[aria-label^="Stop"]').click();
  await page.locator('button.graphiql-execute-button[aria-label^="Execute"]').waitFor();
});

test('the pasted token reaches the WebSocket: a recruiter is refused what only candidates may follow', async () => {
  await typeInto('.graphiql-query-editor', 'subscription { applicationStatusChanged { to } }');
  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(() =>
    /FORBIDDEN|UNAUTHENTICATED/.test(document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()),
  );
  const shown = await editorValue('.result-window');
  assert.match(shown, /FORBIDDEN/);
  assert.doesNotMatch(shown, /UNAUTHENTICATED/);

  // Without the token the same subscription is refused as unauthenticated.
  await page.locator('button.graphiql-execute-button[aria-label^="Execute"]').waitFor();
  await typeInto(HEADERS, '{}', { paste: true });
  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(() =>
    /UNAUTHENTICATED/.test(document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()),
  );
});

test('the Content-Security-Policy blocked nothing the playground needs', () => {
  assert.deepEqual(policyViolations, []);
});
