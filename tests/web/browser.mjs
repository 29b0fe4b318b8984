// SPDX-License-Identifier: Apache-2.0
// Debian's Chromium driven by playwright-core (web/'s pinned dev
// dependency), for the dashboard's test (tests/web/dashboard.mjs) and bench
// (bench/dashboard.mjs).  The flags keep Chromium off the network: without
// the background-networking ones it tries to reach Google's services, which
// this machine's closed network refuses.  Playwright gives each launch a
// fresh profile (user data directory).
import { createRequire } from 'node:module';

export const require = createRequire(`${process.env.BATON_ROOT}/web/package.json`);
const { chromium } = require('playwright-core');

export const launch = () => chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

// the page has drawn what it loaded (main.js sets data-ready)
export const ready = (page) => page.waitForSelector('main[data-ready]', { timeout: 30000 });

// Sign in through the /login form in a new context; answers the page.
export async function signIn(browser, base, token, contextOptions = {}, onPage = () => {}) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
	const page = await context.newPage();
	await onPage(page, context);
	await page.goto(`${base}/login`);
	await page.fill('input[name=token]', token);
	await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button')]);
	await ready(page);
	return { context, page };
}
