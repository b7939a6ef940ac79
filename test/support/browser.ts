/**
 * A system Chromium driven by playwright-core against a test server, for the
 * dashboard's browser tests beside test/web-dashboard.test.ts: the browser
 * (never a downloaded one), pages signed in, screenshots in test-artifacts/,
 * and what every page must hold on a phone.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_VARIABLE, findChromium } from '../../scripts/test-environment.js';
import { DEFAULT_WEB_ROOT } from '../../src/http/server.js';
import { PASSWORD, type TestServer } from './http.js';

export const ARTIFACTS = 'test-artifacts';

/** The phone every phone test uses: 390 × 844 CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      `test environment: missing: no Chromium or Chrome found: run npm test (it installs Debian's chromium where it can) or set ${CHROMIUM_VARIABLE}`,
    );
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) throw new Error(`${DEFAULT_WEB_ROOT} has no build: run npm run build`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser launched before the tests of the enclosing file or describe block and closed after them; read `browser` inside the tests. */
export function useBrowser(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      return browser!;
    },
  };
}

export type TestPage = Page & { failures: string[] };

export async function newPage(
  browser: Browser,
  server: TestServer,
  options: { locale?: string; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: TestPage }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    baseURL: server.url,
  });
  const page = (await context.newPage()) as TestPage;
  page.setDefaultTimeout(15_000);
  page.failures = [];
  page.on('pageerror', (error) => page.failures.push(error.message));
  return { context, page };
}

export async function signIn(page: Page, username: string, path: string, password = PASSWORD): Promise<void> {
  await page.goto(path);
  await page.getByLabel(/User name|Nom d’utilisateur|使用者名稱/).fill(username);
  await page.getByLabel(/^(Password|Mot de passe|密碼)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Se connecter|登入)$/ }).click();
  await page.getByRole('button', { name: /Sign out|Se déconnecter|登出/ }).waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// The page's globals, for the page.evaluate callbacks: the tests' tsconfig has no DOM library.
declare const document: any;
declare const innerWidth: number;

/** How far the page scrolls sideways (0: not at all), and the widest elements that stick out, outside scrolling regions. */
export async function overflow(page: Page): Promise<{ excess: number; wide: string[] }> {
  return page.evaluate(() => {
    const excess = document.scrollingElement.scrollWidth - innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el: any) => el.getBoundingClientRect().right > innerWidth + 1 && !el.parentElement?.closest('.table-scroll'))
      .map((el: any) => `${el.tagName.toLowerCase()}.${String(el.className)}`)
      .slice(0, 5);
    return { excess: Math.max(0, excess), wide };
  });
}
