/**
 * The shape of a scored program version (Partner Contribution Indicators,
 * Partner Capability Score): metrics that earn points, bands of the total that
 * give levels or qualification, one score per path. Structure only; references
 * (a metric another names, a segment a threshold names) are checked by
 * compileScoredVersion. No field names a particular metric: every metric is
 * one of a few generic kinds, parametrized here, and every reading of an open
 * question of the source is a field with its alternative as another value.
 */
import { z } from 'zod';

import { localizedText } from '../program/schema.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'notId');
const isoDate = z.iso.date({ error: 'notCalendarDate' }).brand<'IsoDate'>();
/** A number as decimal text or a JSON number: read exactly (2.14 is 214/100). */
const decimal = z.union([z.number().refine((n) => /^-?\d+(\.\d+)?$/.test(String(n))), z.string().regex(/^-?\d+(\.\d+)?$/)], {
  error: 'numberOrDecimalText',
});
/** One value for every segment, or a value per segment id (market or track). */
const perSegment = z.union([decimal, z.record(id, decimal)]);

/** How a metric's points follow its value. */
const points = z
  .object({
    max: decimal,
    /** The value that earns full points, per segment. Absent for kinds that compute it (headcount-growth). */
    full: perSegment.optional(),
    /**
     * linear: max × value ÷ full, capped at max; per-unit: perUnit × value, capped at max (and max from `full` on);
     * all-or-nothing: max at full, else 0.
     */
    partial: z.enum(['linear', 'per-unit', 'all-or-nothing']),
    perUnit: perSegment.optional(),
    /** A negative value earns 0 points (true), or lowers the total (false). */
    clampAtZero: z.boolean().default(true),
    /** Rounding of the metric's points: none, down to a whole multiple of `step`, or to the nearest (half up). */
    rounding: z
      .object({ mode: z.enum(['none', 'floor', 'nearest']), step: decimal.default(1) })
      .strict()
      .default({ mode: 'none', step: 1 }),
  })
  .strict();

/**
 * Which associations give a partner credit for a subscription: the eligible
 * types, and which types displace others on the same subscription (a CPOR
 * displacing a DPOR). Without `displaces`, every eligible holder gets credit.
 */
const associations = z
  .object({
    eligible: z.array(id).min(1),
    displaces: z.array(z.object({ by: z.array(id).min(1), over: z.array(id).min(1) }).strict()).default([]),
  })
  .strict();

/** Months relative to the evaluation month M: -11 … 0 is M-11 … M. */
const window = z.object({ from: z.int(), to: z.int() }).strict();

const comparator = z.enum(['at-least', 'more-than']);

/**
 * A market from countries. partner-country: the partner's own country. any-customer-in-preferred: `preferred`
 * when any credited customer is in it, else the partner's country. customer-markets: `preferred` when any credited
 * customer is in it, else the market all its credited customers are in, else (no customer) the partner's country.
 */
const marketSegmentation = z
  .object({
    kind: z.literal('market'),
    rule: z.enum(['partner-country', 'any-customer-in-preferred', 'customer-markets']),
    preferred: id.optional(),
  })
  .strict();

const base = {
  id,
  name: localizedText,
  points,
  description: localizedText.optional(),
  /**
   * Where this metric reads the partner's market when it differs from the version's segmentation: the
   * partner's location (partner-country) or its customers' (any-customer-in-preferred). PCI from 2021-03-26
   * measures four metrics by customer location and three by partner location.
   */
  segmentation: marketSegmentation.optional(),
};

const revenueSum = z
  .object({
    ...base,
    kind: z.literal('revenue-sum'),
    products: z.array(id).min(1),
    associations,
    window,
    /** Enterprise Agreement lines count only in the agreement's first year (12 months from its start). */
    firstAgreementYearOnly: z.array(z.string().min(1)).default([]),
  })
  .strict();

const customerAdds = z
  .object({
    ...base,
    kind: z.literal('net-customer-adds'),
    products: z.array(id).min(1),
    associations,
    window,
    /** In the month a customer is lost: every partner associated then loses a credit, or only those credited with its add in the 12 months before. */
    losses: z.enum(['all-associated', 'credited-within-12-months']),
  })
  .strict();

const pairCountChange = z
  .object({
    ...base,
    kind: z.literal('pair-count-change'),
    /** What is measured per (tenant, workload) and month: billed revenue (USD) or consumption (usage × rate). */
    measure: z.enum(['revenue', 'consumption']),
    workloads: z.array(id).min(1),
    associations,
    /** A pair counts when its measure is at least / more than this, per segment. */
    unitThreshold: perSegment,
    compare: comparator,
    /** Count at M+current minus count at M+baseline. */
    current: z.int().default(0),
    baseline: z.int().default(-12),
  })
  .strict();

const certifiedCount = z
  .object({
    ...base,
    kind: z.literal('certified-count'),
    /** People holding at least one of these certifications on the evaluation date, each counted once. */
    certifications: z.array(id).min(1),
  })
  .strict();

const headcountGrowth = z
  .object({
    ...base,
    kind: z.literal('headcount-growth'),
    /** The certified-count metric of the same path whose people are counted now and at the baseline. */
    of: id,
    /** Baselines below this count (per segment) cannot score. */
    minimumBaseline: perSegment,
    /** The growth needed, by baseline size (rows ascending, per segment); a row with growth null cannot score by growth. */
    rows: z.array(z.object({ from: perSegment, growthPercent: decimal.nullable() }).strict()).min(1),
    /** The second option: at least `people` at the anniversary gives full points for `months` months from it. */
    anniversaryOption: z
      .object({ people: perSegment, months: z.int().min(1) })
      .strict()
      .optional(),
  })
  .strict();

const growthRatio = z
  .object({
    ...base,
    kind: z.literal('growth-ratio'),
    /** Usage summed as active users (mau), or weighted by the rate card (consumption). */
    measure: z.enum(['mau', 'consumption']),
    workloads: z.array(id).min(1),
    associations,
    current: z.int().default(0),
    baseline: z.int().default(-12),
    /** The baseline must reach this (per segment) or the metric scores 0. */
    baselineGate: perSegment,
    /** Tenants at each end: those credited in that month (each-month) or those credited at M, at both ends (current-cohort). */
    cohort: z.enum(['each-month', 'current-cohort']).default('each-month'),
  })
  .strict();

const deploymentCrossings = z
  .object({
    ...base,
    kind: z.literal('usage-crossings'),
    workloads: z.array(id).min(1),
    associations,
    /** Active users a tenant crosses, per segment. */
    usageThreshold: perSegment,
    /** Below the threshold at M+baseline, and at or above it in some month M+from … M+to. */
    baseline: z.int(),
    crossing: window,
    /** What a crossing tenant adds: its production instances of `instanceGroup`, or 1. */
    count: z.enum(['instances', 'tenants']),
    instanceGroup: id.optional(),
  })
  .strict();

export const scoredMetric = z.discriminatedUnion('kind', [
  revenueSum,
  customerAdds,
  pairCountChange,
  certifiedCount,
  headcountGrowth,
  growthRatio,
  deploymentCrossings,
]);

const path = z.object({ id, name: localizedText, metrics: z.array(scoredMetric).min(1) }).strict();

const band = z.object({ id, name: localizedText, from: decimal }).strict();

/** How the partner's segment is decided: its market from countries, or its track from its customers' workloads. */
const segmentation = z.discriminatedUnion('kind', [
  marketSegmentation,
  z
    .object({
      kind: z.literal('track'),
      workloads: z.array(id).min(1),
      associations,
      /** A (tenant, workload) qualifies with more than this revenue (USD) in every month of `months`. */
      moreThanUsd: decimal,
      months: z.array(z.int()).min(1),
      minimumPairs: z.int().min(1),
      /** Pairs counted across all tenants, or the pairs of the best tenant. */
      per: z.enum(['all-tenants', 'one-tenant']),
      ifMet: id,
      otherwise: id,
    })
    .strict(),
]);

/** A revision of a page in a repository of Microsoft's docs: the file at a commit, with its ms.date. */
const repositorySource = z
  .object({
    repository: z.string().min(1),
    branch: z.string().min(1).optional(),
    path: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/),
    /** The page's ms.date. */
    msDate: isoDate,
  })
  .strict();

/** A page published only on the web (a Learn page, a Tech Community post): its address, title and date when it shows one. */
const webSource = z
  .object({
    page: z.url({ protocol: /^https$/ }),
    title: z.string().min(1),
    /** The date the page shows; absent when it shows none. */
    date: isoDate.optional(),
  })
  .strict();

const source = z.union([repositorySource, webSource]);

/** An open question of the source, settled: the reading chosen and the one not taken, with the field that switches it. */
const reading = z
  .object({ question: z.string().min(1), chosen: localizedText, alternative: localizedText, switch: z.string().min(1) })
  .strict();

const exam = z.object({ id, retires: isoDate.optional(), acceptedUntil: isoDate.optional() }).strict();

/** A certification earned from exam passes (every set, each with its minimum; any one of the alternatives), or recorded as held. */
const certification = z
  .object({
    id,
    name: localizedText,
    alternatives: z.array(z.array(z.object({ exams: z.array(id).min(1), minimum: z.int().min(1).optional() }).strict()).min(1)).default([]),
    /** Last day a holder counts (a certification retired from the score). */
    eligibleUntil: isoDate.optional(),
  })
  .strict();

const workload = z.object({ id, name: localizedText, rate: decimal.optional(), products: z.array(id).default([]) }).strict();

export const scoredVersionDefinition = z
  .object({
    id,
    name: localizedText,
    kind: z.literal('scored'),
    /** The threshold competency this scored program continues: one program across eras (a timeline spans both). */
    continues: z.object({ program: id, competency: id }).strict().optional(),
    effectiveFrom: isoDate,
    /** The last day this version judges when no version follows at once (a program retired before its successor's rules are known). */
    endsOn: isoDate.optional(),
    source: z.array(source).min(1),
    segmentation,
    /** The segments' names (markets, tracks) as the reader reads them; an unnamed segment is shown by its id. */
    segments: z.array(z.object({ id, name: localizedText }).strict()).default([]),
    /** ISO country → market id, for a market segmentation (a shared file, as the threshold definitions' table). */
    countries: z.record(z.string().regex(/^[A-Z]{2}$/, 'notCountryCode'), id).default({}),
    /** Workloads (products) with their consumption rate, if any; a workload without a rate adds 0 consumption. */
    workloads: z.array(workload).min(1),
    associationTypes: z.array(id).min(1),
    exams: z.array(exam).default([]),
    certifications: z.array(certification).default([]),
    paths: z.array(path).min(1),
    bands: z.array(band).min(1),
    /** Every metric must score above `points` (strict) or at least it, or the partner reaches no band. */
    minimumPerMetric: z.object({ points: decimal, strict: z.boolean() }).strict().optional(),
    /** The band of the partner: the best band of any path (best-of-paths). */
    combinePaths: z.literal('best-of-paths').default('best-of-paths'),
    /** Qualified on at least one day of the window: the current month and `months` − 1 before it (PCS from 2023-09-19). */
    qualificationWindow: z
      .object({ effectiveFrom: isoDate, months: z.int().min(1), start: z.enum(['same-day', 'first-of-month']) })
      .strict()
      .optional(),
    /** How a qualified partner enrols, keeps and renews its designation (PCS statuses); absent for a program without enrolment (PCI). */
    statuses: z
      .object({
        /** The first day a designation could be attained: no enrolment before it. */
        designationsFrom: isoDate,
        /** Before `qualificationWindow.effectiveFrom`: a partner not enrolled stays qualified this many days after a qualifying day. */
        earlierQualifiedDays: z.int().min(0),
        /** Before that date too: an enrolled partner renews by qualifying on its anniversary or in this many days after it. */
        earlierRenewalDays: z.int().min(0),
        /** From that date: the renewal window is the anniversary's month and the `renewalMonths` − 1 months before it, from their first day. */
        renewalMonths: z.int().min(1),
        /** The renewal window closes at the end of the anniversary's month (the source's example), or on the anniversary. */
        renewalWindowEnd: z.enum(['end-of-month', 'anniversary']),
        /** A partner that held a legacy Gold or Silver competency is enrolled on its first qualifying day, without purchase. */
        legacyAutoEnrol: z.boolean(),
      })
      .strict()
      .optional(),
    readings: z.array(reading).default([]),
  })
  .strict();

export type ScoredVersionDefinition = z.infer<typeof scoredVersionDefinition>;
export type ScoredVersionInput = z.input<typeof scoredVersionDefinition>;
export type ScoredMetricDefinition = z.infer<typeof scoredMetric>;
export type PointsDefinition = z.infer<typeof points>;
export type AssociationRule = z.infer<typeof associations>;
export type Segmentation = z.infer<typeof segmentation>;
export type StatusRules = NonNullable<ScoredVersionDefinition['statuses']>;
export type ScoredSource = z.infer<typeof source>;
