// `make dist` writes a static site with relative URLs: it works from any host, under a sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import { root } from './harness.mjs';

test('dist/ served under a sub-path loads the engine and its data', async () => {
  execFileSync(path.join(root, 'scripts', 'dist.sh'), { stdio: 'inherit' });
  const server = await serve(root, 0); // the site lives at /dist/, not at the root
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} ${r.url()}`));
    await page.goto(`${server.url}dist/`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    assert.ok((await page.locator('select#target-letter option').count()) > 0, 'letters loaded from dist/data');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
