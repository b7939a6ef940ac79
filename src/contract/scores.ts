/**
 * The scored programs (PCI, PCS) as the API reports them: a partner's score
 * in a month (as `attain score --format json` prints it: src/app/scores.ts
 * `scoreJson`) and the scored versions, with the names the dashboard shows.
 * Points are exact: decimal text to four places and the fraction, never a float.
 */
import { z } from 'zod';

const localized = z
  .object({ en: z.string(), 'fr-FR': z.string().optional(), 'zh-TW': z.string().optional() })
  .describe('a text in English, with its translations');

/** Points: decimal text (four places) and the exact fraction ("20/3"). */
export const scorePoints = z.object({ decimal: z.string(), exact: z.string() });

const metricUnit = z.enum(['usd-cents', 'customers', 'people', 'pairs', 'percent', 'deployments']);

/** What the next point (or a band) costs, in what the partner can change. */
export const nextPoint = z.object({
  value: z.string().describe("the metric's value that earns it"),
  points: z.string().describe('the points at that value'),
  more: z.string().describe('how much more of `costUnit`'),
  costUnit: z.enum([...metricUnit.options, 'active-users', 'consumption']),
});

export const metricScore = z.object({
  id: z.string(),
  kind: z.string().describe('the metric kind of the definition (revenue-sum, net-customer-adds…)'),
  unit: metricUnit,
  value: z.string().describe('the measured value, exact decimal text (cents for revenue, a percentage for growth)'),
  full: z.string().nullable().describe('the value for full points; null when the metric cannot score'),
  points: scorePoints,
  max: scorePoints,
  next: nextPoint.optional().describe('what the next point costs; absent at full points or when the metric cannot score'),
  note: z.string().optional().describe('why the metric cannot score, or how it scored: a code'),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const pathScore = z.object({
  id: z.string(),
  metrics: z.array(metricScore),
  total: scorePoints,
  band: z.string().nullable().describe('the highest band the path reaches; null: none'),
  belowMinimum: z.array(z.string()).describe('metrics at or under the per-metric minimum: they keep the path from any band'),
  nextBand: z.object({ id: z.string(), pointsNeeded: scorePoints }).nullable(),
  routes: z.array(nextPoint.extend({ metric: z.string() })).describe('ways to the next band through one metric alone'),
  toMinimum: z.array(z.object({ metric: z.string(), next: nextPoint.nullable() })),
});

/** A PCS status on a date, with the window it was judged over and the enrolment it read. */
export const pcsStatus = z.object({
  date: z.string().describe('the day judged: the last day of the month'),
  status: z.enum(['in-progress', 'qualified', 'enrolled', 'renewal-due']),
  window: z
    .object({ kind: z.enum(['qualification', 'renewal']), from: z.string(), to: z.string() })
    .describe('not enrolled: the qualification window ending on the date; enrolled: the renewal window of the coming anniversary'),
  qualifiedOn: z.string().nullable().describe('the latest qualifying day (a month-end) of the window up to the date; null: none'),
  enrolledOn: z.string().nullable().describe('the day the enrolment in force began; null when not enrolled'),
  anniversary: z.string().nullable().describe('the anniversary closing the enrolment year; null when not enrolled'),
  lapsedOn: z.string().nullable().describe('when an enrolment ended for want of renewal: the day after its renewal window closed'),
  enrolment: z
    .object({ kind: z.enum(['none', 'enrolled', 'legacy']), date: z.string().nullable(), anniversary: z.string().nullable() })
    .describe("the enrolment used: the partner's enrolments record, else none"),
});

/** A partner's score in a month under the scored version in force (or the one named). */
export const partnerScore = z.object({
  version: z.string().describe('the effective date of the scored version that judged'),
  partnerId: z.string(),
  month: z.string(),
  segment: z.string().describe('the market or track the partner was scored in'),
  paths: z.array(pathScore),
  band: z.string().nullable().describe('the best band of any path; null: none'),
  qualificationWindow: z
    .object({
      from: z.string(),
      to: z.string(),
      months: z.array(z.object({ month: z.string(), band: z.string().nullable() })),
      band: z.string().nullable(),
    })
    .nullable()
    .describe('the best band over the qualification window ending with the month'),
  outlook: z
    .object({
      months: z.array(
        z.object({
          month: z.string(),
          version: z.string(),
          band: z.string().nullable(),
          totals: z.array(z.object({ path: z.string(), total: scorePoints })),
        }),
      ),
      firstDrop: z.object({ month: z.string(), from: z.string().nullable(), to: z.string().nullable() }).nullable(),
    })
    .optional()
    .describe('with `outlook`: the band month by month with nothing new, and when it is first lost'),
  status: pcsStatus.nullable().describe('PCS: the status on the last day of the month (docs/rules.md §15.6); null under PCI'),
});

/** What a step's cost is counted in: the measured unit, or for growth the active users or consumption it needs. */
const costUnit = z.enum([...metricUnit.options, 'active-users', 'consumption']);

/** One step of a ladder: the value it needs, the points there, and what it costs from the value now. */
export const scoredPlanStep = z.object({
  value: z.string().describe("the ladder's value at the step, exact decimal text (cents for revenue, a percentage for growth)"),
  points: z.array(scorePoints).describe("each metric of the ladder's points at the value"),
  total: scorePoints.describe("the ladder's metrics' points together"),
  more: z.string().describe('how much more of `costUnit` than now'),
  cost: scorePoints.describe('`more` in units of cost'),
  meetsMinimum: z.boolean().describe("every metric of the ladder meets the version's minimum per metric"),
});

/** The cheapest way of a path: the ladders that move, from now to the step chosen, and the total cost. */
export const scoredPlanMove = z.object({
  metrics: z.array(z.string()).describe('the metrics that move together (a certified count with the growth of its people)'),
  costUnit,
  unitOfCost: z.string().describe('how much of `costUnit` is one unit of cost'),
  from: scoredPlanStep,
  to: scoredPlanStep,
});

export const scoredPathPlan = z.object({
  path: z.string(),
  total: scorePoints.describe("the path's total now"),
  band: z.string().nullable().describe('the band the path reaches now; null: none'),
  target: z
    .object({ band: z.string(), from: scorePoints })
    .nullable()
    .describe('the band aimed at and the total that reaches it; null: the path is at the top band already'),
  outcome: z.enum(['top', 'reached', 'unreachable', 'plan']),
  plan: z
    .object({
      cost: scorePoints.describe('in units of cost'),
      total: scorePoints.describe('the total the plan reaches'),
      moves: z.array(scoredPlanMove),
    })
    .optional()
    .describe('with outcome `plan`: the cheapest moves'),
  reasons: z
    .array(
      z.union([
        z.object({ code: z.literal('cannotScore'), metric: z.string(), note: z.string().nullable() }),
        z.object({ code: z.literal('belowMinimum'), metric: z.string() }),
        z.object({ code: z.literal('maximumBelowTarget'), maximum: scorePoints, needed: scorePoints }),
      ]),
    )
    .optional()
    .describe('with outcome `unreachable`: why'),
  ladders: z.array(
    z.object({
      metrics: z.array(z.object({ id: z.string(), max: scorePoints, note: z.string().nullable() })),
      unit: metricUnit,
      costUnit,
      unitOfCost: z.string(),
      steps: z.array(scoredPlanStep).describe('steps[0] is now; each later step earns more points'),
    }),
  ),
});

/** A partner's scored plan in a month (as `attain plan --scored --format json` prints it): per path the cheapest way to the band aimed at. */
export const partnerScoredPlan = z.object({
  version: z.string().describe('the effective date of the scored version that judged'),
  partnerId: z.string(),
  month: z.string(),
  segment: z.string(),
  paths: z.array(scoredPathPlan),
});

/** One scored version: when it judges, its kind, its paths and metrics, its bands. */
export const scoredVersionSummary = z.object({
  id: z.string().describe('the scored program'),
  name: localized,
  kind: z.enum(['PCI', 'PCS']).describe('PCI: Partner Contribution Indicators (bands); PCS: Partner Capability Score (qualification)'),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable().describe('the last day it judges: the day before the next version, or its end; null: still in force'),
  segmentation: z.enum(['market', 'track']),
  segments: z
    .array(z.object({ id: z.string(), name: localized }))
    .describe('the segments (markets, tracks) the version names, as a score or plan reports them by id'),
  paths: z.array(
    z.object({
      id: z.string(),
      name: localized,
      maxPoints: scorePoints,
      metrics: z.array(z.object({ id: z.string(), name: localized, kind: z.string(), maxPoints: scorePoints })),
    }),
  ),
  bands: z.array(z.object({ id: z.string(), name: localized, from: z.string().describe('the total that reaches the band') })),
  minimumPerMetric: z
    .object({ points: z.string(), strict: z.boolean() })
    .nullable()
    .describe('every metric must score above (strict) or at least this, or no band is reached'),
  qualificationWindow: z.object({ effectiveFrom: z.string(), months: z.number().int() }).nullable(),
});

export const scoredVersionList = z.object({ versions: z.array(scoredVersionSummary) });

export type PartnerScore = z.infer<typeof partnerScore>;
export type PcsStatusAnswer = z.infer<typeof pcsStatus>;
export type ScoredVersionSummary = z.infer<typeof scoredVersionSummary>;
export type ScoredVersionList = z.infer<typeof scoredVersionList>;
export type ScorePoints = z.infer<typeof scorePoints>;
export type PartnerScoredPlan = z.infer<typeof partnerScoredPlan>;
export type ScoredPathPlan = z.infer<typeof scoredPathPlan>;
export type ScoredPlanMove = z.infer<typeof scoredPlanMove>;
