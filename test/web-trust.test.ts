/**
 * Issue 17, "a dashboard people trust at a glance, on a desk and on a
 * phone", in a real browser (the helpers of test/support/browser.ts, the
 * build in dist/web): the date the dashboard opens on and keeps, the
 * accounts page, figures that reconcile on the partner page, phones, words
 * and weight. Screenshots go to test-artifacts/.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, overflow, PHONE, shot, signIn } from './support/browser.js';
import { call, startServer, type TestServer } from './support/http.js';

/** The latest date of the bundled example's data: its last revenue line. */
const DATA_THROUGH = '2017-10-20';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the date', () => {
  it('opens on the latest date with data, says so, and keeps the date chosen across sign-out', async () => {
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'admin', '/');
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(DATA_THROUGH);
    await expect(page.getByTestId('data-through').textContent()).resolves.toBe('Data through Oct 20, 2017');
    await expect(page.getByLabel('As of', { exact: true }).inputValue()).resolves.toBe(DATA_THROUGH);
    await page.getByRole('caption').filter({ hasText: 'as of Oct 20, 2017' }).waitFor();

    // Another date: a way back to the latest is offered.
    await page.getByLabel('As of', { exact: true }).fill('2017-11-01');
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe('2017-11-01');
    await expect(page.getByTestId('data-through').textContent()).resolves.toContain('Go to the latest data');
    await shot(page, 'data-through');

    // Signed out and in again: the same date.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2017-11-01');
    await signIn(page, 'admin', '/');
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe('2017-11-01');
    await expect(page.getByLabel('As of', { exact: true }).inputValue()).resolves.toBe('2017-11-01');

    // Back to the latest data in one click.
    await page.getByRole('button', { name: 'Go to the latest data' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(DATA_THROUGH);
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it("opens a partner account on the store's latest date too, and keeps the picker before the first rules", async () => {
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'nw-viewer', '/');
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(DATA_THROUGH);
    await page.getByRole('heading', { name: 'Levels as of Oct 20, 2017' }).waitFor();

    // Before the first rules (2017-06-27): the problem is said in the dashboard's words, the date picker stays.
    await page.getByLabel('As of', { exact: true }).fill('2017-01-01');
    await page.getByRole('alert').waitFor();
    const said = (await page.getByRole('alert').textContent())!;
    expect(said).toMatch(/^No rules can judge this date: /);
    expect(said).not.toMatch(/errors\)|--/);
    await expect(page.getByLabel('As of', { exact: true }).isVisible()).resolves.toBe(true);
    await shot(page, 'before-first-rules');
    await page.getByLabel('As of', { exact: true }).fill('2017-07-07');
    await page.getByRole('heading', { name: /Levels as of Jul 7, 2017/ }).waitFor();
    expect(page.failures).toEqual([]);
    await context.close();
  });
});

describe('the accounts page', () => {
  it('lets a program-admin add, list, remove accounts and revoke their tokens', async () => {
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'admin', '/?asOf=2017-07-07');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/users');
    const accounts = page.locator('li.account');
    await page.locator('li.account[data-username="co-viewer"]').waitFor();
    await expect(accounts.count()).resolves.toBe(5);

    // Add a partner-viewer of Contoso: its password is shown once, and signs in.
    await page.getByLabel('User name').fill('carol');
    await page.getByLabel('Role').selectOption('partner-viewer');
    await page.getByLabel('Partner', { exact: true }).fill('P-CONTOSO');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const password = (await page.getByTestId('new-password').locator('code').textContent())!;
    expect(password).toMatch(/\S{20,}/);
    await expect(page.getByTestId('new-password').textContent()).resolves.toContain('Account carol added');
    await page.locator('li.account[data-username="carol"]').waitFor();
    const carol = await newPage(browser, server);
    await signIn(carol.page, 'carol', '/?asOf=2017-07-07', password);
    await carol.page.getByRole('heading', { name: 'Contoso Consulting' }).waitFor();
    await carol.context.close();
    await page.getByRole('button', { name: 'I have noted it' }).click();
    await expect(page.getByTestId('new-password').count()).resolves.toBe(0);

    // An unknown partner: the server's problem, in words.
    await page.getByLabel('User name').fill('dave');
    await page.getByLabel('Partner', { exact: true }).fill('P-NOBODY');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.locator('.add-account [role="alert"]').textContent()).resolves.toContain('P-NOBODY');

    // A user's API tokens, revoked: the token stops working.
    expect((await call(server, 'GET', '/api/v1/me', { token: server.tokens['co-viewer'] })).status).toBe(200);
    const coViewer = page.locator('li.account[data-username="co-viewer"]');
    await coViewer.getByRole('button', { name: 'API tokens' }).click();
    await coViewer.getByRole('button', { name: 'Revoke the token tests' }).click();
    await expect.poll(() => coViewer.getByTestId('tokens').textContent()).toContain('co-viewer has no API tokens.');
    expect((await call(server, 'GET', '/api/v1/me', { token: server.tokens['co-viewer'] })).status).toBe(401);

    // Removal asks once more.
    const row = page.locator('li.account[data-username="carol"]');
    await row.getByRole('button', { name: 'Remove carol' }).click();
    await row.getByRole('button', { name: 'Remove carol for good' }).click();
    await page.getByText('Account carol removed.').waitFor();
    await expect(page.locator('li.account[data-username="carol"]').count()).resolves.toBe(0);
    await shot(page, 'accounts-program-admin');
    await page.setViewportSize(PHONE);
    expect(await overflow(page)).toEqual({ excess: 0, wide: [] });
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it("lets a partner-admin manage its own partner's viewers only; a viewer has no accounts page", async () => {
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'nw-admin', '/?asOf=2017-07-07');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.locator('li.account[data-username="nw-viewer"]').waitFor();
    await expect(page.locator('li.account').count()).resolves.toBe(1);
    await expect(page.getByLabel('Role').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'API tokens' }).count()).resolves.toBe(0);

    await page.getByLabel('User name').fill('erin');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('new-password').textContent()).resolves.toContain('Account erin added');
    const erin = page.locator('li.account[data-username="erin"]');
    await expect(erin.textContent()).resolves.toMatch(/partner viewer · P-NORTHWIND/);
    await erin.getByRole('button', { name: 'Remove erin' }).click();
    await erin.getByRole('button', { name: 'Remove erin for good' }).click();
    await page.getByText('Account erin removed.').waitFor();
    await shot(page, 'accounts-partner-admin');
    await context.close();

    const viewer = await newPage(browser, server);
    await signIn(viewer.page, 'nw-viewer', '/users?asOf=2017-07-07');
    await viewer.page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    await expect(viewer.page.getByRole('link', { name: 'Accounts' }).count()).resolves.toBe(0);
    await viewer.context.close();
  });
});

// The page's globals, for the page.evaluate callbacks: the tests' tsconfig has no DOM library.
declare function getComputedStyle(element: unknown): { display: string; lineHeight: string };

describe('every number reconciles on the partner page', () => {
  it('ends the chart on the as-of date with straight segments and the rules marked, and totals the evidence to the actual', async () => {
    const asOf = '2017-11-01';
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'nw-viewer', `/?asOf=${asOf}`);
    await page.getByRole('heading', { name: /Levels as of Nov 1, 2017/ }).waitFor();

    // The chart: whole months back to the first rules, ending on the as-of date; each version change said and drawn.
    await page.getByRole('heading', { name: 'TTM revenue from Jul 1, 2017 to Nov 1, 2017' }).waitFor();
    await page.locator('.recharts-line-curve').first().waitFor();
    await expect(page.getByTestId('version-changes').textContent()).resolves.toBe(
      'The rules change along the way: from Aug 1, 2017, the rules of Jul 7, 2017, from Nov 1, 2017, the rules of Oct 13, 2017.',
    );
    await expect(page.locator('.recharts-reference-line').count()).resolves.toBe(2);
    const paths = await page.locator('.recharts-line-curve').evaluateAll((els: any[]) => els.map((el) => el.getAttribute('d') as string));
    for (const d of paths) expect(d, 'no curves: straight segments only').not.toMatch(/[CcQqSsTt]/);
    await page.getByText('Show the figures as a table').click();
    const rows = page.locator('figure.chart tbody tr');
    await expect(rows.count()).resolves.toBe(5);
    await expect(rows.last().locator('th').textContent()).resolves.toBe('Nov 1, 2017');
    await expect(rows.last().locator('td').first().textContent()).resolves.toBe('Oct 13, 2017');

    // Evidence: each revenue requirement's lines add up to its actual, to the cent; names, not ids; credits said.
    const evaluation = await call(server, 'GET', `/api/v1/partners/P-NORTHWIND/evaluation?asOf=${asOf}`, { token: server.tokens.admin });
    const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
    const options = evaluation.json.partners[0].competencies[0].options as any[];
    let checked = 0;
    for (const option of options) {
      const card = page.locator(`article.option-card[data-option="${option.option}"]`);
      for (const [l, level] of (option.levels as any[]).entries()) {
        for (const [i, requirement] of (level.requirements as any[]).entries()) {
          const shown =
            requirement.kind === 'any-of'
              ? requirement.alternatives.find((a: any) => a.id === (requirement.carriedBy ?? requirement.closest))
              : requirement;
          if (shown.kind !== 'revenue' || shown.evidence.revenueLineIds.length === 0) continue;
          const item = card.locator('section.level').nth(l).locator('ul.requirements > li').nth(i);
          await item.locator('details.evidence summary').click();
          await expect(item.getByTestId('evidence-total').textContent()).resolves.toBe(usd.format(shown.actual));
          await expect(item.locator('tbody tr').count()).resolves.toBe(shown.evidence.revenueLineIds.length);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    const cells = await page
      .locator('.evidence-table tbody tr')
      .evaluateAll((trs: any[]) => trs.map((tr) => [...tr.children].map((c: any) => c.textContent as string)));
    for (const [, customer] of cells) expect(customer).not.toMatch(/^C-/);
    const credit = page.locator('.evidence-table tr[data-line="R-2004"]').first();
    await expect(credit.textContent()).resolves.toMatch(/EUR.*credit/);
    await expect(credit.locator('td.num').last().textContent()).resolves.toMatch(/^-\$/);

    // People: "N qualifying of M required", everywhere.
    const people = page.locator('article.option-card[data-option="enterprise-customer-engagement"]').getByRole('progressbar').nth(1);
    await expect(people.getAttribute('aria-valuetext')).resolves.toMatch(/^\d+ qualifying of \d+ required$/);
    await expect(
      page.locator('details.evidence summary', { hasText: /^\d+ qualifying of \d+ required$/ }).count(),
    ).resolves.toBeGreaterThan(0);
    await expect(page.getByTestId('matrix').locator('td.counted').first().textContent()).resolves.toMatch(
      /^\d+ qualifying of \d+ required, \d+ one exam away$/,
    );
    await shot(page, 'partner-reconciles');
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it('asks for the page’s data at once: no request waits for another but the timeline', async () => {
    const { context, page } = await newPage(browser, server);
    await signIn(page, 'nw-viewer', '/?asOf=2017-11-01');
    await page.getByRole('heading', { name: /Levels as of Nov 1, 2017/ }).waitFor();
    const started: { url: string; at: number }[] = [];
    const ended = new Map<string, number>();
    page.on('request', (r) => started.push({ url: r.url(), at: Date.now() }));
    page.on('requestfinished', (r) => ended.set(r.url(), Date.now()));
    await page.getByLabel('As of', { exact: true }).fill('2017-11-02');
    await page.getByRole('heading', { name: /Levels as of Nov 2, 2017/ }).waitFor();
    await page.locator('.recharts-line-curve').first().waitFor();
    const data = started.filter((r) =>
      /\/api\/v1\/partners\/P-NORTHWIND(\/(evaluation|plan|forecast|qualifications|revenue))?\?/.test(r.url),
    );
    expect(data.length).toBe(6);
    // All six were asked for before the first of them was answered.
    const firstAnswer = Math.min(...data.map((r) => ended.get(r.url) ?? Infinity));
    for (const r of data) expect(r.at, r.url).toBeLessThanOrEqual(firstAnswer);
    await context.close();
  });
});

describe('on a phone (390 × 844)', () => {
  it('fits every page in the screen: partners as cards, evidence in its card, the matrix with a fixed name column and a scroll cue, the import form', async () => {
    const { context, page } = await newPage(browser, server, PHONE);
    await page.goto('/?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await overflow(page), 'sign-in').toEqual({ excess: 0, wide: [] });
    await signIn(page, 'admin', '/?asOf=2017-11-01');

    // Partners: a card each, its levels visible on the screen.
    await page.getByRole('heading', { name: 'Partners', level: 1 }).waitFor();
    const card = page.locator('table.partners tbody tr').filter({ hasText: 'P-CONTOSO' });
    await card.waitFor();
    for (const badge of await card.locator('.badge').all()) {
      const box = (await badge.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await card.evaluate((tr: any) => getComputedStyle(tr).display)).toBe('grid');
    expect(await overflow(page), 'partners').toEqual({ excess: 0, wide: [] });
    await shot(page, 'phone-partners');

    // A partner: evidence inside its card; the matrix scrolls within itself, its names fixed, counts first, a cue.
    await page.goto('/partners/P-NORTHWIND?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Northwind Partners' }).waitFor();
    const engagement = page.locator('article.option-card[data-option="enterprise-customer-engagement"]');
    await engagement.locator('details.evidence summary').first().click();
    const cardBox = (await engagement.boundingBox())!;
    const evidenceBox = (await engagement.locator('.evidence-table').first().boundingBox())!;
    expect(evidenceBox.x + evidenceBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
    const matrix = page.getByTestId('matrix');
    await expect(matrix.locator('thead th').nth(1).getAttribute('class')).resolves.toBe('req-col');
    await expect(page.getByTestId('scroll-cue').isVisible()).resolves.toBe(true);
    const region = page.locator('.scroll-region .table-scroll');
    const nameBefore = (await matrix.locator('tbody th').first().boundingBox())!;
    await region.evaluate((el: any) => (el.scrollLeft = 400));
    const nameAfter = (await matrix.locator('tbody th').first().boundingBox())!;
    expect(nameAfter.x).toBe(nameBefore.x);
    expect(await overflow(page), 'partner').toEqual({ excess: 0, wide: [] });
    await shot(page, 'phone-partner');

    // Import, with a row error shown.
    await page.goto('/import?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Import data' }).waitFor();
    expect(await overflow(page), 'import').toEqual({ excess: 0, wide: [] });
    const bad = { examPasses: [{ personId: 'NW-02', exam: 'MB6-893', date: '2017-02-30' }] };
    await page
      .getByLabel(/Files/)
      .setInputFiles({ name: 'passes.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Nothing was imported' }).waitFor();
    expect(await overflow(page), 'import error').toEqual({ excess: 0, wide: [] });
    await shot(page, 'phone-import');

    // Accounts.
    await page.goto('/users?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.locator('li.account').first().waitFor();
    expect(await overflow(page), 'accounts').toEqual({ excess: 0, wide: [] });
    expect(page.failures).toEqual([]);
    await context.close();
  });
});

describe('words', () => {
  it('speaks its own words: no API field or command-line flag, plurals by the language’s rules, whole ids', async () => {
    const { context, page } = await newPage(browser, server, { locale: 'fr-FR' });
    await signIn(page, 'admin', '/import?asOf=2017-11-01');
    await page.getByRole('heading', { name: 'Importer des données' }).waitFor();
    // One problem: "1 problème", nothing about "the first 1 shown".
    const bad = { examPasses: [{ personId: 'NW-02', exam: 'MB6-893', date: '2017-02-30' }] };
    await page
      .getByLabel(/Fichiers/)
      .setInputFiles({ name: 'passes.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByTestId('import-errors').waitFor();
    await expect(page.getByTestId('import-errors').locator('caption').textContent()).resolves.toBe('1 problème');
    const failed = (await page.locator('section.problem').textContent())!;
    expect(failed).not.toMatch(/errors\)|--[a-z]/);
    // A CSV file whose records cannot be told: no "--entity".
    await page.getByLabel(/Fichiers/).setInputFiles({ name: 'stuff.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') });
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await expect.poll(() => page.locator('section.problem').textContent()).toMatch(/stuff\.csv/);
    const entity = (await page.locator('section.problem').textContent())!;
    expect(entity).not.toMatch(/--entity|errors\)/);
    expect(entity).toContain('nommez-le d’après eux');

    // The overview: an error is not also "no partner matches" and "levels of 0 partners".
    await page.route('**/api/v1/partner-counts*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Service indisponible', status: 503, detail: 'Le magasin ne répond pas.' }),
      }),
    );
    await page.goto('/?asOf=2017-11-01');
    await page.getByRole('alert').filter({ hasText: 'Le magasin ne répond pas.' }).waitFor();
    await expect(page.getByTestId('result-count').textContent()).resolves.toBe('');
    await expect(page.locator('#counts-title').textContent()).resolves.toBe('Niveaux');
    await page.unroute('**/api/v1/partner-counts*');

    // Ids never wrap inside, even in a narrow column.
    await page.setViewportSize(PHONE);
    await page.goto('/?asOf=2017-11-01');
    const link = page.getByRole('link', { name: 'P-NORTHWIND' });
    await link.waitFor();
    const { height, lineHeight } = await link.evaluate((a: any) => ({
      height: a.getBoundingClientRect().height,
      lineHeight: parseFloat(getComputedStyle(a).lineHeight) || 20,
    }));
    expect(height).toBeLessThan(lineHeight * 1.5);
    await context.close();
  });

  it('abbreviates by the locale’s own rules in Chinese (22.5萬, not 23萬)', async () => {
    const { context, page } = await newPage(browser, server, { locale: 'zh-TW' });
    await signIn(page, 'nw-viewer', '/?asOf=2017-11-01');
    await page.locator('.recharts-line-curve').first().waitFor();
    const tick = page.locator('.recharts-yAxis-tick-labels text');
    await tick.first().waitFor({ state: 'attached' });
    const ticks = await tick.allTextContents();
    expect(ticks.join(' ')).toMatch(/萬/);
    expect(ticks).toContain('US$22.5萬');
    expect(ticks.join(' ')).not.toMatch(/K\b/);
    await shot(page, 'chart-zh-TW');
    await context.close();
  });
});

describe('weight', () => {
  it('sends the dashboard compressed, hashed assets cached for good, each page a chunk of its own', async () => {
    const root = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'br' } });
    const html = await root.text();
    expect(root.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    for (const encoding of ['br', 'gzip']) {
      const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe(encoding);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await asset.text()).length).toBeGreaterThan(1000);
    }
    const plain = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();

    // A partner account's first page loads neither the partners list's, the accounts' nor the import's code.
    const { context, page } = await newPage(browser, server);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await signIn(page, 'nw-viewer', '/?asOf=2017-11-01');
    await page.locator('.recharts-line-curve').first().waitFor();
    expect(scripts.some((s) => s.includes('/PartnerView-'))).toBe(true);
    expect(scripts.some((s) => s.includes('/RevenueChart-'))).toBe(true);
    expect(scripts.filter((s) => /\/(AdminView|ImportPage|UsersPage)-/.test(s))).toEqual([]);
    await context.close();
  });
});
