/**
 * The dataset format: what a program manager hands Attain. Each collection is
 * checked record by record so that one bad record never hides the others; the
 * checks that need the whole dataset or the program (references, duplicates,
 * products, currencies, overlapping associations) live in validate.ts.
 */
import { z } from 'zod';

/**
 * The longest id a record may have (partners, customers, revenue lines,
 * people, and the references to them): what the API's path parameters take,
 * so that every record imported can be reached through it (docs/rules.md,
 * section 12).
 */
export const MAX_ID_LENGTH = 200;

// Custom errors are codes of the `problem` catalog, listed in SCHEMA_CODES (problems.ts) for problemsFromZod to know them.
const text = z.string().min(1);
const isoDate = z.iso.date({ error: 'notCalendarDate' }).brand<'IsoDate'>();
/** Decimal money, as a JSON number or as decimal text for exactness. */
const decimal = z.union([z.number(), z.string()], { error: 'numberOrDecimalText' });

export const partnerRecord = z.object({ id: text, name: text, country: text }).strict();

export const customerRecord = z.object({ id: text, name: text, country: text }).strict();

export const associationRecord = z
  .object({
    customerId: text,
    partnerId: text,
    type: text,
    start: isoDate,
    end: isoDate.nullable().optional(),
  })
  .strict();

export const revenueRecord = z
  .object({
    id: text,
    customerId: text,
    product: text,
    date: isoDate,
    amount: decimal,
    currency: text,
    netNew: z.boolean(),
  })
  .strict();

export const personRecord = z.object({ id: text, partnerId: text, name: text }).strict();

export const examPassRecord = z.object({ personId: text, exam: text, date: isoDate }).strict();

export const fxRateRecord = z
  .object({
    currency: text,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'notMonth' }),
    usdPerUnit: decimal,
  })
  .strict();

/** The collections of a dataset, in the order they are checked and reported. */
export const collections = {
  partners: partnerRecord,
  customers: customerRecord,
  associations: associationRecord,
  revenue: revenueRecord,
  people: personRecord,
  examPasses: examPassRecord,
  fxRates: fxRateRecord,
} as const;

export type CollectionName = keyof typeof collections;

/** The whole file, for the published JSON Schema and for typing raw input. */
export const datasetFile = z
  .object({
    partners: z.array(partnerRecord),
    customers: z.array(customerRecord).optional(),
    associations: z.array(associationRecord).optional(),
    revenue: z.array(revenueRecord).optional(),
    people: z.array(personRecord).optional(),
    examPasses: z.array(examPassRecord).optional(),
    fxRates: z.array(fxRateRecord).optional(),
  })
  .strict();

export type PartnerRecord = z.input<typeof partnerRecord>;
export type CustomerRecord = z.input<typeof customerRecord>;
export type AssociationRecord = z.input<typeof associationRecord>;
export type RevenueRecord = z.input<typeof revenueRecord>;
export type PersonRecord = z.input<typeof personRecord>;
export type ExamPassRecord = z.input<typeof examPassRecord>;
export type FxRateRecord = z.input<typeof fxRateRecord>;
export type DatasetFile = z.input<typeof datasetFile>;
