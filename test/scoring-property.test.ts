/**
 * The scored engine against a deliberately naive scorer written from the
 * specification's words (PCI 2020-09-16, the readings of docs/rules.md
 * section 15), on random subscriptions, associations, billing and people.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndex, monthText, rationalToNumber, scorePartner, scoredVersionOn, type IsoDate } from '../src/engine/index.js';
import { readScoredDefinitions } from '../src/files/scored-files.js';
import { datasetOf, emptyRecords } from './support/scoring.js';

const read = readScoredDefinitions();
if (!read.ok) throw new Error('the bundled scored definition does not read');
const versions = read.versions;
const pci = scoredVersionOn(versions, '2020-11-30' as IsoDate)!;
const M = monthIndex('2020-11');
const TYPES = ['CSP', 'CPOR-OSA', 'CPOR-OSU', 'DPOR'] as const;
const PRODUCTS = ['D365-SALES', 'D365-FINANCE', 'D365-TALENT'] as const;
const CE = new Set(['D365-SALES', 'D365-TALENT']);

const association = fc.record({
  partner: fc.constantFrom('P', 'Q'),
  subscription: fc.integer({ min: 0, max: 3 }),
  type: fc.constantFrom(...TYPES),
  from: fc.integer({ min: -20, max: 2 }),
  length: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
});
const line = fc.record({
  subscription: fc.integer({ min: 0, max: 3 }),
  month: fc.integer({ min: -14, max: 2 }),
  cents: fc.integer({ min: -5_000_000, max: 20_000_000 }),
});
const person = fc.record({
  exams: fc.subarray(['MB-200', 'MB-210', 'MB-230', 'MB-300', 'MB-310', 'MB6-898']),
  month: fc.integer({ min: -30, max: 3 }),
});

describe('PCI Customer Engagement against a naive scorer', () => {
  it('agrees on net new revenue (with precedence) and functional consultants', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PRODUCTS), { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.array(association, { maxLength: 8 }),
        fc.array(line, { maxLength: 12 }),
        fc.array(person, { maxLength: 12 }),
        (products, paid, associations, lines, people) => {
          const r = emptyRecords();
          r.partners.push({ id: 'P', country: 'US' }, { id: 'Q', country: 'US' });
          r.tenants.push({ id: 'T', country: 'US' });
          products.forEach((product, i) => r.subscriptions.push({ id: `S${i}`, tenantId: 'T', product, paid: paid[i]! }));
          for (const a of associations) {
            r.associations.push({
              partnerId: a.partner,
              subscriptionId: `S${a.subscription}`,
              type: a.type,
              from: monthText(M + a.from),
              to: a.length === undefined ? null : monthText(M + a.from + a.length),
            });
          }
          lines.forEach((l, i) =>
            r.billing.push({
              id: `B${i}`,
              subscriptionId: `S${l.subscription}`,
              month: monthText(M + l.month),
              amountUsd: (l.cents / 100).toFixed(2),
            }),
          );
          people.forEach((p, i) => {
            r.people.push({ id: `E${i}`, partnerId: 'P' });
            for (const exam of p.exams) r.examPasses.push({ personId: `E${i}`, exam, date: `${monthText(M + p.month)}-15` });
          });
          const report = scorePartner(pci, datasetOf(r, versions), 'P', M);
          const ce = report.paths.find((p) => p.id === 'customer-engagement')!;

          // Naive net new revenue: the spec's words, one line at a time, in floats of whole cents.
          let cents = 0;
          for (const l of lines) {
            const month = M + l.month;
            if (month < M - 11 || month > M) continue;
            if (!CE.has(products[l.subscription]!) || !paid[l.subscription]) continue;
            const holding = associations.filter(
              (a) => a.subscription === l.subscription && M + a.from <= month && (a.length === undefined || month <= M + a.from + a.length),
            );
            const osa = holding.some((a) => a.type === 'CPOR-OSA');
            const credited = holding.filter((a) => a.type === 'CSP' || a.type === 'CPOR-OSA' || (a.type === 'DPOR' && !osa));
            if (credited.some((a) => a.partner === 'P')) cents += l.cents;
          }
          const nnr = ce.metrics.find((m) => m.id === 'net-new-revenue')!;
          expect(nnr.value).toBe(String(cents));
          expect(rationalToNumber(nnr.points)).toBeCloseTo(Math.min(10, Math.max(0, (10 * cents) / 30_000_000)), 9);

          // Naive consultants: MB-200 and one of the second set, passed on or before the end of M.
          const consultants = people.filter(
            (p) => p.month <= 0 && p.exams.includes('MB-200') && p.exams.some((e) => ['MB-210', 'MB-230', 'MB6-898'].includes(e)),
          ).length;
          const fcScore = ce.metrics.find((m) => m.id === 'functional-consultants')!;
          expect(fcScore.value).toBe(String(consultants));
          expect(rationalToNumber(fcScore.points)).toBeCloseTo(Math.min(15, (15 * consultants) / 10), 9);

          // The total is the sum of the metrics, and the band follows it.
          const total = ce.metrics.reduce((s, m) => s + rationalToNumber(m.points), 0);
          expect(rationalToNumber(ce.total)).toBeCloseTo(total, 9);
          // (Floats cannot say which side of a bound an exact total lands on: those are left to the exact tests.)
          if (Math.abs(total - 60) > 1e-9 && Math.abs(total - 80) > 1e-9)
            expect(ce.band).toBe(total >= 80 ? 'gold' : total >= 60 ? 'silver' : null);
        },
      ),
      { numRuns: 200 },
    );
  });
});
