/** The worked examples of the points-based specification as scoring records (§A.11 A-Ex2, §B.8 B-Ex4 and B-Ex5). */
import { bill, emptyRecords, month, peopleHolding, peopleWith, seatsFor, tenantWith, type Records } from './scoring.js';

/** A-Ex2: A-2020-09-16 rules, FO path, a developed partner, November 2020. */
export function aEx2(consultants: number): Records {
  const r = emptyRecords();
  const M = '2020-11';
  r.partners.push({ id: 'P', country: 'US' });
  const nnr = tenantWith(r, 'T-NNR', 'D365-FINANCE', 'P', 'DPOR');
  bill(r, nnr, month(M, -3), '420000');
  // Net customer adds: four customers added in March, two of them lost in August.
  for (const t of ['A1', 'A2', 'A3', 'A4']) {
    const s = tenantWith(r, t, 'D365-FINANCE', 'P', 'DPOR');
    seatsFor(r, s, '2020-03', t === 'A1' || t === 'A2' ? '2020-07' : '2020-11');
  }
  peopleWith(r, 'P', consultants, ['MB-300', 'MB-310']);
  r.baselines.push({ partnerId: 'P', metric: 'functional-consultant-growth', kind: 'baseline', date: '2020-10-01', count: 20 });
  peopleWith(r, 'P', 3, ['MB-300', 'MB-500']);
  // A deployment tenant: 50 active users a year ago, 120 at M-5, 110 now, two production instances.
  tenantWith(r, 'T-NLD', 'D365-FINANCE', 'P', 'DPOR');
  r.usage.push({ tenantId: 'T-NLD', workload: 'D365-FINANCE', month: month(M, -12), units: 50 });
  r.usage.push({ tenantId: 'T-NLD', workload: 'D365-FINANCE', month: month(M, -5), units: 120 });
  r.usage.push({ tenantId: 'T-NLD', workload: 'D365-FINANCE', month: M, units: 110 });
  r.instances.push({ id: 'I1', tenantId: 'T-NLD', group: 'finance-and-operations', production: true });
  r.instances.push({ id: 'I2', tenantId: 'T-NLD', group: 'finance-and-operations', production: true });
  r.instances.push({ id: 'I3', tenantId: 'T-NLD', group: 'finance-and-operations', production: false });
  // The rest of the customer base: 350 users at both ends (400 → 460 in all).
  tenantWith(r, 'T-BIG', 'D365-SUPPLY-CHAIN-MANAGEMENT', 'P', 'DPOR');
  r.usage.push({ tenantId: 'T-BIG', workload: 'D365-SUPPLY-CHAIN-MANAGEMENT', month: month(M, -12), units: 350 });
  r.usage.push({ tenantId: 'T-BIG', workload: 'D365-SUPPLY-CHAIN-MANAGEMENT', month: M, units: 350 });
  return r;
}

/** B-Ex4: an Enterprise partner under the 2023-06-13 rules, as of October 2023 (or the same records for another month M). */
export function bEx4(M = '2023-10'): Records {
  const r = emptyRecords();
  r.partners.push({ id: 'P', country: 'US' });
  for (let i = 1; i <= 5; i++) {
    const s = tenantWith(r, `E${i}`, 'SALES', 'P', 'DPOR');
    for (const k of [0, -1, -12, -13]) bill(r, s, month(M, k), '6000');
  }
  for (let i = 1; i <= 9; i++) {
    const s = tenantWith(r, `N${i}`, 'FINANCE', 'P', 'CSP-TIER-1');
    bill(r, s, M, '2000');
    if (i <= 5) bill(r, s, month(M, -12), '2000');
  }
  peopleHolding(r, 'P', 16, 'd365-functional-consultant-sales');
  peopleHolding(r, 'P', 3, 'power-platform-solution-architect-expert');
  for (let i = 1; i <= 9; i++) {
    tenantWith(r, `D${i}`, 'BUSINESS-CENTRAL', 'P', 'DPOR');
    r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: M, units: i === 1 ? 20 : 10 });
    r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: month(M, -12), units: i <= 6 ? 10 : i <= 8 ? 9 : 2 });
  }
  return r;
}

/** B-Ex5: an SMB partner under the 2023-06-13 rules, as of October 2023; with a 26,000 → 26,520 consumption base, or usage under its gate. */
export function bEx5(withBaseline: boolean): Records {
  const r = emptyRecords();
  const M = '2023-10';
  r.partners.push({ id: 'P', country: 'US' });
  for (let i = 1; i <= 5; i++) bill(r, tenantWith(r, `N${i}`, 'SALES', 'P', 'DPOR'), M, '250');
  peopleHolding(r, 'P', 5, 'data-analyst-associate');
  peopleHolding(r, 'P', 1, 'power-platform-solution-architect-expert');
  for (let i = 1; i <= 5; i++) {
    tenantWith(r, `D${i}`, 'BUSINESS-CENTRAL', 'P', 'DPOR');
    r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: M, units: 5 });
    r.usage.push({ tenantId: `D${i}`, workload: 'BUSINESS-CENTRAL', month: month(M, -12), units: 4 });
  }
  if (withBaseline) {
    tenantWith(r, 'X', 'BUSINESS-CENTRAL', 'P', 'DPOR');
    tenantWith(r, 'X', 'POWER-BI', 'P', 'PAL');
    tenantWith(r, 'X', 'CUSTOMER-INSIGHTS', 'P', 'PAL');
    r.usage.push({ tenantId: 'X', workload: 'BUSINESS-CENTRAL', month: month(M, -12), units: 4 });
    r.usage.push({ tenantId: 'X', workload: 'POWER-BI', month: month(M, -12), units: 10 });
    r.usage.push({ tenantId: 'X', workload: 'BUSINESS-CENTRAL', month: M, units: 1 });
    r.usage.push({ tenantId: 'X', workload: 'POWER-BI', month: M, units: 2 });
    r.usage.push({ tenantId: 'X', workload: 'CUSTOMER-INSIGHTS', month: M, units: 600 });
  }
  return r;
}
