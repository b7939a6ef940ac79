/**
 * Issue 19: the scored plan in the dashboard's Score section, in a real
 * browser (set up as test/web-score.test.ts: a system Chromium driven by
 * playwright-core, the build in dist/web, the real server on port 0, the
 * bundled scored example in the store's scoring tables). Under each path,
 * the cheapest way to the next band — or, for PCS, to qualification — with
 * the moves (metric, value now and needed, points gained, cost in its unit
 * and in units of cost) and the total cost: the numbers the API answers
 * (`GET /api/v1/partners/{id}/score/plan`), in English, French and
 * traditional Chinese; why a band cannot be reached; nothing at the top band.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PartnerScoredPlan } from '../src/contract/index.js';
import type { ScoringRecords } from '../src/engine/index.js';
import { newPage, shot, signIn, useBrowser } from './support/browser.js';
import { call } from './support/http.js';
import { serveScoringStore } from './support/scoring-store.js';
import { emptyStoreFolder } from './support/pglite-template.js';

// The page's globals, for the page.evaluate callbacks: the tests' tsconfig has no DOM library.
declare const document: any;
type El = any;

const RECORDS = JSON.parse(readFileSync('examples/business-applications-scored.json', 'utf8')) as ScoringRecords;

const served = serveScoringStore(() => ({ dataDir: emptyStoreFolder('attain-web-score-plan-') }), RECORDS);
const chromium = useBrowser();

/** What the section shows of each path's plan: its outcome and target, per move the API's values it holds and its row's text, the total. */
async function shownPlans(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="score"] [data-path]')].map((card: El) => {
      const plan = card.querySelector('[data-testid="score-plan"]');
      const total = plan?.querySelector('[data-testid="plan-total"]');
      return {
        path: card.dataset.path as string,
        outcome: (plan?.dataset.outcome ?? null) as string | null,
        target: (plan?.dataset.target ?? null) as string | null,
        title: (plan?.querySelector('h4')?.textContent ?? null) as string | null,
        moves: plan
          ? [...plan.querySelectorAll('tr[data-move]')].map((row: El) => {
              const cells = [...row.querySelectorAll('td')] as El[];
              return {
                metrics: row.dataset.move as string,
                from: cells[0].dataset.value as string,
                to: cells[1].dataset.value as string,
                pointsFrom: cells[2].dataset.from as string,
                pointsTo: cells[2].dataset.to as string,
                more: cells[3].dataset.more as string,
                cost: cells[3].dataset.cost as string,
                text: [row.querySelector('th').textContent, ...cells.map((c) => c.textContent)].join(' | ') as string,
              };
            })
          : [],
        cost: (total?.dataset.cost ?? null) as string | null,
        total: (total?.dataset.total ?? null) as string | null,
        totalText: (total?.textContent ?? null) as string | null,
        units: (plan?.querySelector('[data-testid="plan-units"]')?.textContent ?? null) as string | null,
        reasons: plan ? ([...plan.querySelectorAll('[data-testid="plan-reasons"] li')].map((li: El) => li.textContent) as string[]) : [],
      };
    }),
  );
}

/** The same numbers, from the API's answer (a path at the top band or reached shows no plan). */
function apiPlans(plan: PartnerScoredPlan) {
  return plan.paths.map((p) => {
    const shown = p.outcome === 'plan' || p.outcome === 'unreachable';
    return {
      path: p.path,
      outcome: shown ? p.outcome : null,
      target: shown ? p.target!.band : null,
      moves: (p.plan?.moves ?? []).map((m) => ({
        metrics: m.metrics.join(' '),
        from: m.from.value,
        to: m.to.value,
        pointsFrom: m.from.total.exact,
        pointsTo: m.to.total.exact,
        more: m.to.more,
        cost: m.to.cost.exact,
      })),
      cost: p.plan?.cost.exact ?? null,
      total: p.plan?.total.exact ?? null,
    };
  });
}

function numbersOf(plans: Awaited<ReturnType<typeof shownPlans>>) {
  return plans.map(({ path, outcome, target, moves, cost, total }) => ({
    path,
    outcome,
    target,
    moves: moves.map(({ text: _, ...numbers }) => numbers),
    cost,
    total,
  }));
}

async function apiPlan(partner: string, month: string): Promise<PartnerScoredPlan> {
  const answer = await call(served.server, 'GET', `/api/v1/partners/${partner}/score/plan?month=${month}`, {
    token: served.server.tokens.admin,
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json as PartnerScoredPlan;
}

describe('the scored plan in the Score section, in Chromium', () => {
  it("shows a PCI partner's cheapest way to the next band per path, as the API answers it, for the page's month and a month picked", async () => {
    const { context, page } = await newPage(chromium.browser, served.server);
    await signIn(page, 'admin', '/partners/P-FABRIKAM?asOf=2020-11-30');
    const section = page.getByTestId('score');
    await section.getByTestId('plan-total').first().waitFor();

    const november = await apiPlan('P-FABRIKAM', '2020-11');
    await expect.poll(async () => numbersOf(await shownPlans(page)), { timeout: 15_000 }).toEqual(apiPlans(november));
    const shown = await shownPlans(page);
    const finance = shown.find((p) => p.path === 'finance-and-operations')!;
    expect(finance.title).toBe('The cheapest way to Gold');
    expect(finance.moves.map((m) => m.text)).toEqual([
      'Monthly active user growth | 15% | 17% | 15 → 17 (+2) | 8 active users more (cost 0.08)',
    ]);
    expect(finance.totalText).toBe('Total cost 0.08, for 80 points');
    expect(finance.units).toBe('One unit of cost: 100 active users');
    const engagement = shown.find((p) => p.path === 'customer-engagement')!;
    expect([engagement.title, engagement.totalText]).toEqual(['The cheapest way to Silver', 'Total cost 42, for 60 points']);
    expect(engagement.moves.map((m) => m.text)).toEqual([
      'Net customer adds | 0 customers | 10 customers | 0 → 10 (+10) | 10 customers more (cost 10)',
      'Functional consultants, Functional consultant growth | 0 people | 27 people | 0 → 30 (+30) | 27 people more (cost 27)',
      'New large deployments | 0 deployments | 5 deployments | 0 → 20 (+20) | 5 deployments more (cost 5)',
    ]);
    await shot(page, 'score-plan-pci');

    // Another month: the plan follows the API's answer for it.
    const march = await apiPlan('P-FABRIKAM', '2021-03');
    await page.getByLabel('Month').fill('2021-03');
    await expect.poll(async () => numbersOf(await shownPlans(page)), { timeout: 15_000 }).toEqual(apiPlans(march));
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it('shows in French why a PCS partner cannot qualify, and no plan once qualified (the top band)', async () => {
    const { context, page } = await newPage(chromium.browser, served.server, { locale: 'fr-FR' });
    await signIn(page, 'co-admin', '/partners/P-CONTOSO?asOf=2023-11-30');
    const section = page.getByTestId('score');
    await section.getByTestId('score-plan').first().waitFor();
    const [november] = await shownPlans(page);
    expect(numbersOf([november!])).toEqual(apiPlans(await apiPlan('P-CONTOSO', '2023-11')));
    expect([november!.outcome, november!.title]).toEqual(['unreachable', 'Le moyen le moins coûteux de se qualifier']);
    expect(november!.reasons).toEqual(['Croissance de l’utilisation ne peut pas marquer, et chaque indicateur le doit']);

    // October: qualified, the top band; the section has the score and no plan.
    await page.getByRole('textbox', { name: 'Mois', exact: true }).fill('2023-10');
    await expect.poll(async () => (await shownPlans(page)).map((p) => p.outcome), { timeout: 15_000 }).toEqual([null]);
    await expect(section.getByTestId('score-band').textContent()).resolves.toContain('Palier : Qualifié');
    expect(page.failures).toEqual([]);
    await context.close();
  });

  it('shows the plan in traditional Chinese', async () => {
    const { context, page } = await newPage(chromium.browser, served.server, { locale: 'zh-TW' });
    await signIn(page, 'admin', '/partners/P-FABRIKAM?asOf=2020-11-30');
    await page.getByTestId('plan-total').first().waitFor();
    const finance = (await shownPlans(page)).find((p) => p.path === 'finance-and-operations')!;
    expect(finance.title).toBe('達到金會員的最低成本方式');
    expect(finance.totalText).toBe('總成本 0.08，之後 80 分');
    expect(finance.moves[0]!.text).toContain('15 → 17（+2）');
    await shot(page, 'score-plan-zh');
    expect(page.failures).toEqual([]);
    await context.close();
  });
});
