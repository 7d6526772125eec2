// `make dist` writes a static site with relative URLs: it works from any host, under a sub-path
// (as a project site is published, e.g. https://USER.github.io/REPO/), and asks no other origin
// for anything (docs/publish.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import { root } from './harness.mjs';

test('dist/ served under a nested sub-path loads, recalls a letter, and asks only its own origin', async () => {
  execFileSync(path.join(root, 'scripts', 'dist.sh'), { stdio: 'inherit' });
  // The site two folders down, as a host that publishes it under /pcrnn/demo/ would.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'pcrnn-dist-'));
  const published = path.join(site, 'pcrnn', 'demo');
  fs.mkdirSync(path.dirname(published), { recursive: true });
  fs.cpSync(path.join(root, 'dist'), published, { recursive: true });
  const server = await serve(site, 0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    const requests = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    // Workers' requests (the engine's wasm and data) count too.
    page.context().on('request', (r) => requests.push(r.url()));
    await page.goto(`${server.url}pcrnn/demo/#trials=40`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    assert.ok((await page.locator('select#target-letter option').count()) > 0, 'letters loaded from the sub-path');
    await page.click('button#retrieve');
    await page.waitForSelector('[data-testid="retrieval-result"][data-state="done"]', { timeout: 60_000 });
    const origin = new URL(server.url).origin;
    const elsewhere = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(elsewhere, [], 'every request goes to the site itself');
    const outside = requests.filter((u) => u.startsWith(origin) && !new URL(u).pathname.startsWith('/pcrnn/demo/'));
    assert.deepEqual(outside, [], 'every request stays under the sub-path');
    assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the engine was fetched from the sub-path');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
