/**
 * Every number reconciles (issue 17): the revenue lines a partner's page
 * lists as evidence carry their customer's name, their month's rate and
 * their amount in US dollars, as the evaluation counts them — the dollars
 * of a requirement's evidence add up to its actual, to the cent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

interface Line {
  id: string;
  customerId: string;
  customerName: string;
  amount: string;
  currency: string;
  usdPerUnit: string | null;
  usd: number | null;
}

describe('GET /api/v1/partners/{partnerId}/revenue', () => {
  it("gives each line its customer's name, its month's rate and its US dollars", async () => {
    const lines: Line[] = [];
    for (const partner of ['P-NORTHWIND', 'P-CONTOSO']) {
      const answer = await call(server, 'GET', `/api/v1/partners/${partner}/revenue?limit=500`, { token: server.tokens.admin });
      expect(answer.status).toBe(200);
      lines.push(...(answer.json.items as Line[]));
    }
    const dollars = lines.find((l) => l.currency === 'USD')!;
    expect(dollars.usdPerUnit).toBe('1');
    expect(dollars.usd).toBe(Number(dollars.amount));
    const euros = lines.find((l) => l.currency === 'EUR')!;
    expect(Number(euros.usdPerUnit)).toBeGreaterThan(0);
    expect(euros.usd).toBe(Math.round(Number(euros.amount) * Number(euros.usdPerUnit) * 100) / 100);
    const credit = lines.find((l) => l.id === 'R-2004')!;
    expect(credit).toMatchObject({ customerId: 'C-BLUEYONDER', currency: 'EUR' });
    expect(credit.customerName).not.toBe('C-BLUEYONDER');
    expect(credit.usd).toBeLessThan(0);
  });

  it("adds up, for every revenue requirement of every partner, to the requirement's actual", async () => {
    for (const asOf of ['2017-07-07', '2017-11-01', '2018-03-01']) {
      for (const partner of ['P-NORTHWIND', 'P-CONTOSO', 'P-FABRIKAM', 'P-TAILSPIN']) {
        const evaluation = await call(server, 'GET', `/api/v1/partners/${partner}/evaluation?asOf=${asOf}`, { token: server.tokens.admin });
        const lines = await call(server, 'GET', `/api/v1/partners/${partner}/revenue?limit=500`, { token: server.tokens.admin });
        const usd = new Map((lines.json.items as Line[]).map((l) => [l.id, l.usd] as const));
        const requirements = evaluation.json.partners[0].competencies
          .flatMap((c: any) => c.options)
          .flatMap((o: any) => o.levels)
          .flatMap((l: any) => l.requirements)
          .flatMap((r: any) => (r.kind === 'any-of' ? r.alternatives : [r]))
          .filter((r: any) => r.kind === 'revenue');
        expect(requirements.length).toBeGreaterThan(0);
        for (const r of requirements) {
          const cents = (r.evidence.revenueLineIds as string[]).reduce((sum, id) => sum + Math.round(usd.get(id)! * 100), 0);
          expect(cents / 100, `${partner} ${asOf} ${r.id}`).toBe(r.actual);
        }
      }
    }
  });
});
