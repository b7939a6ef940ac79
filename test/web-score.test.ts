/**
 * Issue 19: the Score section of the dashboard's partner page in a real
 * browser (set up as test/web-dashboard.test.ts: a system Chromium driven by
 * playwright-core, the build in dist/web, the real server on port 0) over a
 * store holding the bundled threshold example and, in its scoring tables,
 * the bundled scored example. The section shows, for the page's month and
 * for a month picked, per path the total and the band, and each metric's
 * value, full-points value, points and next-point cost — the numbers the
 * API answers — in English and in French, with a PCS partner's status, its
 * window and its enrolment; a partner without scoring records has no section.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PartnerScore } from '../src/contract/index.js';
import type { ScoringRecords } from '../src/engine/index.js';
import { newPage, shot, signIn, useBrowser } from './support/browser.js';
import { call } from './support/http.js';
import { serveScoringStore } from './support/scoring-store.js';
import { emptyStoreFolder } from './support/pglite-template.js';

// The page's globals, for the page.evaluate callbacks: the tests' tsconfig has no DOM library.
declare const document: any;
type El = any;

// The bundled scored example, P-CONTOSO enrolled on 2023-11-15 (its enrolments record).
const RECORDS = {
  ...(JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords),
  enrolments: [{ partnerId: 'P-CONTOSO', enrolled: '2023-11-15' }],
} satisfies ScoringRecords;

const served = serveScoringStore(() => ({ dataDir: emptyStoreFolder('attain-web-score-') }), RECORDS);
const chromium = useBrowser();

/** What the section shows of each path: its total (exact) and text, and per metric the API's values it holds and its row's text. */
async function shownPaths(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="score"] [data-path]')].map((card: El) => ({
      path: card.dataset.path as string,
      total: card.querySelector('[data-testid="path-total"]').dataset.exact as string,
      totalText: card.querySelector('[data-testid="path-total"]').textContent as string,
      metrics: [...card.querySelectorAll('tr[data-metric]')].map((row: El) => {
        const cells = [...row.querySelectorAll('td')] as El[];
        return {
          id: row.dataset.metric as string,
          value: cells[0].dataset.value as string,
          full: cells[1].dataset.value as string,
          points: cells[2].dataset.points as string,
          max: cells[2].dataset.max as string,
          more: cells[3].dataset.more as string,
          text: [row.querySelector('th').textContent, ...cells.map((c) => c.textContent)].join(' | ') as string,
        };
      }),
    })),
  );
}

/** The same, from the API's answer. */
function apiPaths(score: PartnerScore) {
  return score.paths.map((p) => ({
    path: p.id,
    total: p.total.exact,
    metrics: p.metrics.map((m) => ({
      id: m.id,
      value: m.value,
      full: m.full ?? '',
      points: m.points.exact,
      max: m.max.exact,
      more: m.next?.more ?? '',
    })),
  }));
}

async function apiScore(partner: string, month: string): Promise<PartnerScore> {
  const answer = await call(served.server, 'GET', `/api/v1/partners/${partner}/score?month=${month}`, {
    token: served.server.tokens.admin,
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json as PartnerScore;
}

function withoutTexts(paths: Awaited<ReturnType<typeof shownPaths>>) {
  return paths.map(({ path, total, metrics }) => ({
    path,
    total,
    metrics: metrics.map(({ id, value, full, points, max, more }) => ({ id, value, full, points, max, more })),
  }));
}

describe('the Score section in Chromium', () => {
  it("shows a PCI partner's totals, band and breakdown as the API answers them, for the page's month and a month picked", async () => {
    const { context, page } = await newPage(chromium.browser, served.server);
    await signIn(page, 'admin', '/partners/P-FABRIKAM?asOf=2020-11-30');
    const section = page.getByTestId('score');
    await section.getByTestId('path-total').first().waitFor();
    await expect(page.getByLabel('Month').inputValue()).resolves.toBe('2020-11');

    const november = await apiScore('P-FABRIKAM', '2020-11');
    expect(withoutTexts(await shownPaths(page))).toEqual(apiPaths(november));
    await expect(section.getByTestId('score-band').textContent()).resolves.toContain('Band: Silver');
    // The segment by its name in the version's words, never its id.
    const market = { developed: 'Developed markets', developing: 'Developing markets' }[november.segment]!;
    await expect(section.getByTestId('score-facts').textContent()).resolves.toContain(`segment ${market}`);
    const shown = await shownPaths(page);
    const finance = shown.find((p) => p.path === 'finance-and-operations')!;
    expect(finance.totalText).toBe('78 of 100 points');
    expect(finance.metrics.find((m) => m.id === 'net-customer-adds')!.text).toBe(
      'Net customer adds | 2 customers | 3 customers | 6.67 of 10 | 1 customer more (10 points)',
    );
    await expect(section.getByTestId('next-band').allTextContents()).resolves.toContain('Gold needs 2 more points');
    // PCI: no statuses, no status line.
    await expect(section.getByTestId('score-status').count()).resolves.toBe(0);
    await shot(page, 'score-pci');

    // Another month: the section follows the API's answer for it.
    const march = await apiScore('P-FABRIKAM', '2021-03');
    await page.getByLabel('Month').fill('2021-03');
    await expect.poll(async () => withoutTexts(await shownPaths(page)), { timeout: 15_000 }).toEqual(apiPaths(march));
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it("shows a PCS partner's qualification in French, to its own partner-admin", async () => {
    const { context, page } = await newPage(chromium.browser, served.server, { locale: 'fr-FR' });
    await signIn(page, 'co-admin', '/partners/P-CONTOSO?asOf=2023-10-31');
    const section = page.getByTestId('score');
    await section.getByTestId('path-total').first().waitFor();
    await expect(section.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Score');
    const october = await apiScore('P-CONTOSO', '2023-10');
    expect(withoutTexts(await shownPaths(page))).toEqual(apiPaths(october));
    const [path] = await shownPaths(page);
    expect([path!.total, path!.totalText]).toEqual(['500/7', '71,43 points sur 100']);
    const track = { enterprise: 'Entreprise', smb: 'Petites et moyennes entreprises' }[october.segment]!;
    await expect(section.getByTestId('score-facts').textContent()).resolves.toContain(`segment ${track}`);
    const band = await section.getByTestId('score-band').textContent();
    expect(band).toContain('Palier : Qualifié');
    expect(band).toContain('période de qualification du 2023-05 au 2023-10 : Qualifié');
    // The status on October 31: qualified over its qualification window, its enrolment (November 15) still ahead.
    const status = section.getByTestId('score-status');
    expect(await status.getAttribute('data-status')).toBe(october.status!.status);
    expect(await status.getAttribute('data-window')).toBe('qualification 2023-05-31 2023-10-31');
    expect(await status.textContent()).toBe(
      'Statut au 31 oct. 2023 : qualifié · période de qualification du 31 mai 2023 au 31 oct. 2023 · inscrit le 15 nov. 2023',
    );
    await shot(page, 'score-pcs-fr');
    // June 2024: enrolled, its renewal window open.
    await section.locator('input[name="scoreMonth"]').fill('2024-06');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('renewal-due');
    expect(await status.getAttribute('data-window')).toBe('renewal 2024-06-01 2024-11-30');
    expect(await status.textContent()).toContain('renouvellement à faire jusqu’à l’anniversaire le 15 nov. 2024');
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it('has no Score section for a partner without scoring records', async () => {
    const { context, page } = await newPage(chromium.browser, served.server);
    await signIn(page, 'nw-admin', '/partners/P-NORTHWIND?asOf=2020-11-30');
    await page.getByRole('heading', { name: /Levels as of/ }).waitFor();
    // The section's request has been answered (404) once the page has settled.
    await page.waitForLoadState('networkidle');
    await expect(page.getByTestId('score').count()).resolves.toBe(0);
    expect(page.failures).toEqual([]);
    await context.close();
  });
});
