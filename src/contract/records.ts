/** A partner's records as the API lists them: people with their exam passes, exam passes, revenue lines. */
import { z } from 'zod';
import { importReport } from './imports.js';
import { paged } from './paging.js';

export const person = z.object({
  id: z.string(),
  name: z.string(),
  examPasses: z.array(z.object({ exam: z.string(), date: z.string() })),
});

export const examPass = z.object({ personId: z.string(), exam: z.string(), date: z.string() });

export const revenueLine = z.object({
  id: z.string(),
  customerId: z.string(),
  product: z.string(),
  date: z.string(),
  amount: z.string().describe('exact decimal text, in the currency'),
  currency: z.string(),
  netNew: z.boolean(),
  customerName: z.string().describe("the customer's name"),
  usdPerUnit: z
    .string()
    .nullable()
    .describe("US dollars per unit of the currency in the line's month (exact decimal text; 1 for US dollars); null without a rate"),
  usd: z
    .number()
    .nullable()
    .describe('the amount in US dollars, rounded once to the cent as evaluations count it (a negative amount is a credit)'),
});

export const personPage = paged(person);
export const examPassPage = paged(examPass);
export const revenueLinePage = paged(revenueLine);

/** People added or renamed: the import's report, and the id of each person of the body in its order (made by the server for those sent without one). */
export const peopleWritten = importReport.extend({ ids: z.array(z.string()) });

export type Person = z.infer<typeof person>;
export type ExamPass = z.infer<typeof examPass>;
export type RevenueLine = z.infer<typeof revenueLine>;
export type RevenueLinePage = z.infer<typeof revenueLinePage>;
