/**
 * The dashboard in a real browser: a system Chromium or Chrome (ATTAIN_CHROMIUM,
 * else the usual paths; `npm test` installs Debian's when none is found; never
 * a downloaded one) driven by playwright-core against the real server
 * on port 0, over a store seeded with the bundled example, sixty more
 * partners (for paging) and an account of every role. The dashboard is the
 * build in dist/web (`npm run build`, which `npm test` runs first).
 * Screenshots go to test-artifacts/.
 *
 * No Chromium is a failure, not a skip.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programForImport } from '../src/app/choices.js';
import { definitionsOnDisk } from '../src/files/program-files.js';
import { launchBrowser, newPage as openPage, shot, signIn as signInAs } from './support/browser.js';
import { PASSWORD, startServer, type TestServer } from './support/http.js';

// The page's globals, for the page.evaluate callbacks: the tests' tsconfig has no DOM library.
declare const document: any;
declare function getComputedStyle(element: unknown): { color: string; backgroundColor: string };
type El = any;

const AS_OF = '2017-07-07';

let server: TestServer;
let browser: Browser;

/** Sixty partners with nothing but a name: enough for three pages of 25. */
function morePartners() {
  const countries = ['DE', 'FR', 'TW', 'IN', 'BR'];
  return Array.from({ length: 60 }, (_, i) => ({
    id: `P-GEN-${String(i + 1).padStart(3, '0')}`,
    name: `Generated Partner ${i + 1}`,
    country: countries[i % countries.length]!,
  }));
}

beforeAll(async () => {
  server = await startServer();
  const { program, keep } = await programForImport(server.store, definitionsOnDisk, undefined);
  await server.store.import([{ incoming: { partners: morePartners() }, source: 'more-partners.json' }], program, { program: keep });
  // playwright-core launches with a fresh temporary --user-data-dir of its own.
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(options: { locale?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  return openPage(browser, server, options);
}

async function signIn(page: Page, username: string, path = `/?asOf=${AS_OF}`): Promise<void> {
  await signInAs(page, username, path);
}

/** Form controls and buttons without an accessible name (a label, aria-label(ledby), or text). */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: El): boolean => {
      if (el.getAttribute('aria-label')?.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id: string) => document.getElementById(id)?.textContent?.trim())) return true;
      if ('labels' in el && (el as El).labels && [...(el as El).labels!].some((l) => l.textContent?.trim())) return true;
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return Boolean(el.textContent?.trim());
      return false;
    };
    return [...document.querySelectorAll('input, select, textarea, button, a[href], [role="progressbar"], [role="region"]')]
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

/** The contrast ratio of each level badge's text on its background (WCAG). */
async function badgeContrasts(page: Page): Promise<{ level: string; ratio: number }[]> {
  return page.evaluate(() => {
    const luminance = (color: string) => {
      const [r, g, b] = color
        .match(/\d+(\.\d+)?/g)!
        .slice(0, 3)
        .map((v) => Number(v) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return [...document.querySelectorAll('.badge')].map((el) => {
      const style = getComputedStyle(el);
      const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x) as [number, number];
      return { level: el.dataset.level ?? '', ratio: (a + 0.05) / (b + 0.05) };
    });
  });
}

/** What Tab reaches, in order, from the top of the page: tag, name and label of each stop. */
async function tabStops(page: Page, count: number): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement as El | null;
        if (!el) return '';
        const label = (el as El).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
        return `${el.tagName.toLowerCase()}[${el.getAttribute('name') ?? ''}] ${label.trim().slice(0, 40)}`;
      }),
    );
  }
  return stops;
}

describe('the dashboard in Chromium', () => {
  it('signs a partner in (a wrong password first) and shows its levels, evidence, people × exams, chart, plan and forecast', async () => {
    const { context, page } = await newPage();
    await page.goto(`/?asOf=${AS_OF}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    expect(await unnamedControls(page)).toEqual([]);
    await shot(page, 'sign-in');

    await page.getByLabel('User name').fill('nw-admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/\S/);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    await page.getByRole('heading', { name: /Levels as of Jul 7, 2017/ }).waitFor();

    // A card per option, each with its level badge and a progress bar per requirement and level.
    const cards = page.locator('article.option-card');
    await expect(cards.count()).resolves.toBe(2);
    const engagement = page.locator('article.option-card[data-option="enterprise-customer-engagement"]');
    await expect(engagement.locator('.badge').first().textContent()).resolves.toBe('No level');
    const bars = engagement.getByRole('progressbar');
    await expect(bars.count()).resolves.toBe(4);
    const revenue = bars.first();
    await expect(revenue.getAttribute('aria-valuetext')).resolves.toBe('$98,693 of $100,000');
    await expect(engagement.getByText('$1,307 short').first().isVisible()).resolves.toBe(true);
    // Drilling down: the revenue lines and the people behind the figures.
    await engagement.getByText('3 revenue lines').first().click();
    await engagement.getByRole('rowheader', { name: 'R-2001' }).first().waitFor();
    await engagement.locator('details.evidence summary', { hasText: '5 qualifying of 5 required' }).first().click();
    await engagement.getByText('Ana Northwind').first().waitFor();

    // People × exams: who holds what, who counts, who is one exam away.
    const matrix = page.getByTestId('matrix');
    await matrix.getByRole('rowheader', { name: /Fatima Northwind/ }).waitFor();
    await expect(matrix.locator('td[data-status="qualifies"]').count()).resolves.toBeGreaterThan(0);

    // The chart, its thresholds, and its figures as a table.
    // Whole months back from the as-of date, none before the first rules (2017-06-27): the title names the range drawn.
    await page.getByRole('heading', { name: 'TTM revenue on Jul 7, 2017' }).waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await expect(page.locator('.recharts-legend-wrapper').textContent()).resolves.toMatch(/Silver threshold.*Gold threshold/);

    // The plan: the revenue to close and who takes which exams; the forecast.
    const plan = page.locator('.plan-card[data-option="enterprise-customer-engagement"]');
    await expect(plan.textContent()).resolves.toContain('Revenue to close: $1,307');
    const operations = page.locator('.plan-card[data-option="enterprise-operations"]');
    await expect(operations.getByRole('row', { name: /Ana Northwind/ }).textContent()).resolves.toContain('MB6-893');
    await expect(page.locator('ul.forecast li[data-option="enterprise-customer-engagement"]').textContent()).resolves.toContain(
      'At the current rate, Silver is reached on Aug 7, 2017.',
    );

    expect(await unnamedControls(page)).toEqual([]);
    for (const { level, ratio } of await badgeContrasts(page)) expect(ratio, `badge ${level}`).toBeGreaterThanOrEqual(4.5);
    // The keyboard, from the top of a fresh page: the skip link, then the header's controls.
    await page.reload();
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    const stops = await tabStops(page, 9); // a partner-admin has the Accounts link too
    expect(stops[0]).toMatch(/^a\[\] Skip to the content/);
    expect(stops.join('\n')).toMatch(/select\[\] Language/);
    expect(stops.join('\n')).toMatch(/input\[asOf\] As of/);
    await shot(page, 'partner-view');

    // The as-of date picker: another date, other levels (Gold in Contoso's case is not ours; Northwind after the revision).
    await page.getByLabel('As of', { exact: true }).fill('2017-11-01');
    await page.getByRole('heading', { name: /Levels as of Nov 1, 2017/ }).waitFor();
    expect(page.url()).toContain('asOf=2017-11-01');

    // A phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    // The chart follows the new width once its resize observer has fired: asked again until it has (a loaded machine is slow to).
    const wide = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > 391 && !el.parentElement?.closest('.table-scroll'))
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
          .slice(0, 5),
      );
    await expect.poll(wide, { timeout: 10_000 }).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'partner-view-phone');
    expect((page as Page & { failures?: string[] }).failures).toEqual([]);
    await context.close();
  });

  it('switches to zh-TW and fr-FR, and starts in the browser’s language', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'nw-viewer');
    await page.getByRole('heading', { name: 'Plan to the next level' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-TW');
    await page.getByRole('heading', { name: '達到下一等級的計畫' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-TW');
    // Names from the program definition, in Chinese too.
    await page.getByRole('heading', { name: '企業客戶業務開發選項' }).first().waitFor();
    await page.getByRole('heading', { name: '截至 2017年7月7日的等級' }).waitFor();
    await shot(page, 'partner-view-zh-TW');
    await page.getByLabel('語言').selectOption('fr-FR');
    await page.getByRole('heading', { name: 'Plan vers le niveau suivant' }).waitFor();
    await expect(page.locator('.plan-card[data-option="enterprise-customer-engagement"]').textContent()).resolves.toMatch(
      /Recettes à réaliser : 1\s307\s\$US/,
    );
    await shot(page, 'partner-view-fr-FR');
    await context.close();

    const french = await newPage({ locale: 'fr-FR' });
    await french.page.goto('/');
    await french.page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await french.context.close();
  });

  it('lets a program-admin filter, search, sort and page every partner, with counts per level', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'admin');
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    const status = page.getByTestId('result-count');
    await expect.poll(() => status.textContent()).toBe('1–25 of 64');
    const counts = page.locator('.count-card[data-option="enterprise-customer-engagement"]');
    await expect(counts.locator('li[data-level="none"] .count').textContent()).resolves.toBe('63');
    await expect(counts.locator('li[data-level="gold"] .count').textContent()).resolves.toBe('1');

    // Paging, by the keyboard.
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent()).toBe('26–50 of 64');
    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent()).toBe('51–64 of 64');
    await expect(page.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByText('Page 3 of 3').isVisible()).resolves.toBe(true);

    // Sorting by name, descending, by the keyboard.
    const nameHeader = page.getByRole('columnheader', { name: /Name/ });
    await page.locator('button[data-sort="name"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    await expect.poll(() => nameHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => page.locator('table.partners tbody tr').first().locator('td').nth(1).textContent()).toBe('Tailspin Dynamics');

    // Filters: market, country, level, search.
    await page.getByLabel('Level', { exact: true }).selectOption('enterprise-customer-engagement|gold');
    await expect.poll(() => status.textContent()).toBe('1–1 of 1');
    await expect(page.locator('table.partners tbody tr').first().textContent()).resolves.toContain('P-CONTOSO');
    await page.getByLabel('Level', { exact: true }).selectOption('');
    await page.getByLabel('Country', { exact: true }).fill('TW');
    await expect.poll(() => status.textContent()).toBe('1–12 of 12');
    await page.getByLabel('Country', { exact: true }).fill('');
    await page.getByLabel('Search', { exact: true }).fill('north');
    await expect.poll(() => status.textContent()).toBe('1–1 of 1');
    await expect(page.locator('.count-card li[data-level="none"] .count').first().textContent()).resolves.toBe('1');
    expect(await unnamedControls(page)).toEqual([]);
    await shot(page, 'admin-partners');

    // The drill-down from the table.
    await page.getByRole('link', { name: 'P-NORTHWIND' }).click();
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    await page.getByRole('link', { name: '← All partners' }).waitFor();
    await context.close();
  });

  it('imports a file with a row error: nothing is written, the row is named', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'admin', '/import');
    await page.getByRole('heading', { name: 'Import data' }).waitFor();
    const bad = {
      examPasses: [
        { personId: 'NW-01', exam: 'MB6-893', date: '2017-05-01' },
        { personId: 'NW-02', exam: 'MB6-893', date: '2017-02-30' },
      ],
    };
    await page
      .getByLabel(/Files/)
      .setInputFiles({ name: 'passes.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Nothing was imported' }).waitFor();
    const errors = page.getByTestId('import-errors');
    await expect(errors.textContent()).resolves.toMatch(/examPasses\[1\]/);
    await expect(errors.textContent()).resolves.toContain('date');
    await shot(page, 'import-row-error');

    // The same file, the good records only: the bad one reported.
    await page.getByLabel(/Import the good records/).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    await expect(page.getByTestId('import-rejected').textContent()).resolves.toMatch(/passes\.json: examPasses\[1\].*2017-02-30/);
    await page.getByLabel(/Import the good records/).uncheck();

    // A good file goes in.
    const good = { examPasses: [{ personId: 'NW-06', exam: 'MB2-716', date: '2017-05-01' }] };
    await page
      .getByLabel(/Files/)
      .setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    await expect(page.getByRole('row', { name: /good\.json/ }).textContent()).resolves.toMatch(/good\.json1/);
    await context.close();
  });

  it("denies a partner-viewer another partner's page", async () => {
    const { context, page } = await newPage();
    await signIn(page, 'nw-viewer', `/partners/P-CONTOSO?asOf=${AS_OF}`);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('There is no partner P-CONTOSO you may see.');
    await expect(page.getByText('Contoso Consulting').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Import' }).count()).resolves.toBe(0);
    await shot(page, 'viewer-denied');
    // Their own partner is there.
    await page.getByRole('link', { name: 'My partner' }).click();
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    // With the MB2-716 pass imported above, Fatima is one exam away from counting for Silver.
    const fatima = page.getByTestId('matrix').getByRole('row', { name: /Fatima Northwind/ });
    await expect(fatima.locator('td[data-status="one-away"]').first().textContent()).resolves.toBe('one exam away (MB2-715)');
    // An ended session (signed out elsewhere) brings the sign-in page back.
    await context.clearCookies();
    await page.getByLabel('As of', { exact: true }).fill('2017-08-01');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });
  it('refreshes a page open in the browser when an import lands, and says what landed', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'nw-admin');
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    const revenue = page.locator('article.option-card[data-option="enterprise-customer-engagement"]').getByRole('progressbar').first();
    const before = await revenue.getAttribute('aria-valuetext');
    // Imported by a program-admin elsewhere (the API): the open page hears of it through the server's events.
    const response = await fetch(`${server.url}/api/v1/imports?source=late-billing.json`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        revenue: [
          {
            id: 'R-LATE-1',
            customerId: 'C-BLUEYONDER',
            product: 'D365-SALES',
            date: '2017-06-01',
            amount: '2000.00',
            currency: 'USD',
            netNew: true,
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    await page.getByTestId('live-banner').waitFor();
    await expect(page.getByTestId('live-banner').textContent()).resolves.toMatch(/updated/);
    await expect.poll(() => revenue.getAttribute('aria-valuetext'), { timeout: 10_000 }).not.toBe(before);
    await shot(page, 'pushed-change');
    await context.close();
  });
  it('answers the program manager on the overview: who lapses soon, who is closest, and the list as CSV', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'admin', '/?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    // Fabrikam's Silver lapses on Nov 16, 2017 and Contoso's on Jan 10, 2018: 30 days keep Fabrikam only.
    await page.getByLabel('Lapses within (days)').fill('30');
    await expect.poll(() => page.locator('table.partners tbody tr').count()).toBe(1);
    await expect(page.locator('table.partners tbody tr').first().textContent()).resolves.toMatch(/P-FABRIKAM.*lapses Nov 16, 2017/);
    const href = await page.getByTestId('export-csv').getAttribute('href');
    expect(href).toMatch(/lapsesWithin=30/);
    expect(href).toMatch(/format=csv/);
    const csv = await page.request.get(href!);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await csv.text()).toMatch(/P-FABRIKAM/);
    expect(await csv.text()).not.toMatch(/P-CONTOSO/);
    // A count is a filter: the Silver partners of Enterprise Operations, then every partner again.
    await page.getByLabel('Lapses within (days)').fill('');
    await expect.poll(() => page.locator('table.partners tbody tr').count()).toBeGreaterThan(1);
    const every = await page.locator('table.partners tbody tr').count();
    const silver = page.locator('.count-card[data-option="enterprise-operations"] li[data-level="silver"] button');
    await silver.click();
    await expect(silver.getAttribute('aria-pressed')).resolves.toBe('true');
    await expect.poll(() => page.locator('table.partners tbody tr').count()).toBe(Number(await silver.locator('.count').textContent()));
    await silver.click();
    await expect.poll(() => page.locator('table.partners tbody tr').count()).toBe(every);
    // Closest first: the smallest share of the next level still missing leads.
    await page.getByLabel('Lapses within (days)').fill('');
    await page.locator('button[data-sort="shortfallRatio"]').click();
    await expect.poll(() => page.locator('table.partners tbody tr').first().textContent()).toMatch(/P-CONTOSO/);
    await shot(page, 'overview-closest');
    await context.close();
  });
});
