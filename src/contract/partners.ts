/**
 * Partners as the API reports them: the list with each partner's levels, the
 * count of partners per level, and one partner's evaluation, plan, forecast,
 * timeline and qualification matrix. The shapes follow the engine's report
 * types; the server encodes through them, so a field not declared here never
 * goes out.
 */
import { z } from 'zod';

/** An option's level (null: none); forecasts and timelines say more of each. */
export const levelSummary = z.object({ competency: z.string(), option: z.string(), level: z.string().nullable() });

export const partnerSummary = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  market: z.string(),
  levels: z.array(levelSummary).describe('the level attained in each option on the as-of date (null: none)'),
});

/** How an option stands (engine/forecast/outlook.ts): the next level's largest gap, and when the level held lapses. */
export const optionOutlook = levelSummary.extend({
  next: z
    .object({
      level: z.string(),
      largestShortfall: z
        .object({
          requirement: z.string(),
          alternative: z.string().optional().describe('of an any-of requirement: the alternative closest to being met'),
          kind: z.enum(['revenue', 'certified-people']),
          shortfall: z.number().nullable().describe('in the unit of the requirement: US dollars or people; null: cannot be met'),
          required: z.number().nullable(),
          ratio: z.number().nullable().describe('shortfall ÷ required, unit-free; null: cannot be met'),
          reason: z.literal('no-threshold-published').optional(),
        })
        .describe("the next level's requirement furthest from being met (largest shortfall ÷ required)"),
      revenueShortfall: z
        .number()
        .nullable()
        .describe("the next level's revenue shortfalls added up, US dollars; null: a threshold was not published for the market"),
    })
    .nullable()
    .describe('the level above the one held; null at the top'),
  lapse: z
    .object({ date: z.string(), levelAfter: z.string().nullable() })
    .nullable()
    .describe('when the level held lapses if nothing new arrives (as the forecast says); null: it holds, or none is held'),
});

/** A partner of the list: its levels and, per option, its outlook. */
export const partnerOverview = partnerSummary.extend({
  outlook: z.array(optionOutlook).describe('per option: how far the next level is, and when the level held lapses'),
});

/** A page of partners, judged by one version of the rules. */
export const partnerList = z.object({
  asOf: z.string(),
  program: z.string(),
  programVersion: z.string(),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(partnerOverview),
});

const revenueRequirement = z.object({
  id: z.string(),
  kind: z.literal('revenue'),
  met: z.boolean(),
  actual: z.number(),
  // null: the version published no threshold for the partner's market (`reason`), which is not a shortfall.
  required: z.number().nullable(),
  shortfall: z.number().nullable(),
  reason: z.literal('no-threshold-published').optional(),
  evidence: z.object({ revenueLineIds: z.array(z.string()) }),
});

const peopleRequirement = z.object({
  id: z.string(),
  kind: z.literal('certified-people'),
  met: z.boolean(),
  actual: z.number(),
  required: z.number(),
  shortfall: z.number(),
  evidence: z.object({
    personIds: z.array(z.string()),
    groups: z
      .array(z.object({ exams: z.array(z.string()), minimum: z.number(), actual: z.number(), personIds: z.array(z.string()) }))
      .optional(),
    retiringExams: z.array(z.object({ personId: z.string(), exams: z.array(z.string()) })),
  }),
});

const singleRequirement = z.discriminatedUnion('kind', [revenueRequirement, peopleRequirement]);

const anyOfRequirement = z.object({
  id: z.string(),
  kind: z.literal('any-of'),
  met: z.boolean(),
  actual: z.number(),
  required: z.number().nullable(),
  shortfall: z.number().nullable(),
  carriedBy: z.string().nullable(),
  closest: z.string(),
  alternatives: z.array(singleRequirement),
});

/** A requirement judged: met or not, by how much, and the evidence. */
export const requirementResult = z.discriminatedUnion('kind', [revenueRequirement, peopleRequirement, anyOfRequirement]);

export const partnerEvaluation = z.object({
  partnerId: z.string(),
  market: z.string(),
  competencies: z.array(
    z.object({
      competency: z.string(),
      options: z.array(
        z.object({
          option: z.string(),
          level: z.string().nullable(),
          levels: z.array(
            z.object({
              level: z.string(),
              met: z.boolean(),
              requirements: z.array(requirementResult),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const evaluationReport = z.object({
  asOf: z.string(),
  program: z.string(),
  programVersion: z.string(),
  publicationEnded: z.string().optional().describe('the rules applied are the last their source published: nothing newer since this date'),
  partners: z.array(partnerEvaluation),
});

const examAssignment = z.object({ personId: z.string(), exams: z.array(z.string()) });

export const partnerPlan = z.object({
  partnerId: z.string(),
  asOf: z.string(),
  programVersion: z.string(),
  publicationEnded: z.string().optional().describe('the rules applied are the last their source published: nothing newer since this date'),
  targets: z.array(
    z.object({
      competency: z.string(),
      option: z.string(),
      level: z.string(),
      met: z.boolean(),
      revenue: z.array(
        z.object({
          requirement: z.string(),
          shortfall: z.number().nullable(),
          reason: z.literal('no-threshold-published').optional(),
          products: z.array(z.string()),
          netNewOnly: z.boolean(),
        }),
      ),
      revenueToClose: z.number(),
      sales: z.array(z.object({ amount: z.number(), products: z.array(z.string()), netNew: z.boolean(), closes: z.array(z.string()) })),
      exams: z.object({
        additionalPasses: z.number(),
        newPeople: z.number(),
        feasible: z.boolean(),
        assignments: z.array(examAssignment),
        requirements: z.array(
          z.object({
            requirement: z.string(),
            alternative: z.string().optional(),
            required: z.number(),
            qualified: z.number(),
            feasible: z.boolean(),
            additionalPasses: z.number(),
            newPeople: z.number(),
            assignments: z.array(examAssignment),
          }),
        ),
      }),
      unattributedRevenue: z.array(z.object({ customerId: z.string(), amount: z.number() })),
    }),
  ),
});

const failingRequirement = z.object({
  requirement: z.string(),
  kind: z.enum(['revenue', 'certified-people']),
  actual: z.number(),
  required: z.number().nullable(),
  shortfall: z.number().nullable(),
  reason: z.literal('no-threshold-published').optional(),
});

export const partnerForecast = z.object({
  partnerId: z.string(),
  asOf: z.string(),
  programVersion: z.string(),
  publicationEnded: z.string().optional().describe('the rules applied are the last their source published: nothing newer since this date'),
  options: z.array(
    levelSummary.extend({
      lapse: z
        .object({ date: z.string(), programVersion: z.string(), levelAfter: z.string().nullable(), failing: z.array(failingRequirement) })
        .nullable(),
      projection: z
        .object({
          basis: z.literal('ttm-average-monthly-rate'),
          level: z.string(),
          reachedOn: z.string().nullable(),
          monthlyRevenue: z.array(z.object({ requirement: z.string(), amount: z.number() })),
          blockedBy: z.array(failingRequirement),
          programVersion: z.string(),
        })
        .nullable(),
    }),
  ),
});

export const partnerTimeline = z.object({
  partnerId: z.string(),
  from: z.string(),
  to: z.string(),
  step: z.enum(['month', 'week']),
  points: z.array(
    z.object({
      date: z.string(),
      programVersion: z.string(),
      publicationEnded: z
        .string()
        .optional()
        .describe('the rules applied are the last their source published: nothing newer since this date'),
      options: z.array(
        levelSummary.extend({
          requirements: z.array(
            z.object({
              id: z.string(),
              kind: z.enum(['revenue', 'certified-people']),
              actual: z.number(),
              required: z.record(z.string(), z.number()),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const qualificationMatrix = z.object({
  partnerId: z.string(),
  asOf: z.string(),
  programVersion: z.string(),
  exams: z.array(z.string()).describe("every exam of the program's people requirements"),
  people: z.array(
    z.object({ id: z.string(), name: z.string(), exams: z.array(z.string()).describe('exams held on the date (passes that count)') }),
  ),
  requirements: z.array(
    z.object({
      competency: z.string(),
      option: z.string(),
      level: z.string(),
      requirement: z.string(),
      alternative: z.string().optional().describe('the alternative of an any-of requirement'),
      required: z.number(),
      samePeople: z.boolean(),
      sets: z.array(z.object({ exams: z.array(z.string()), minimum: z.number() })),
      people: z
        .array(z.object({ personId: z.string(), missing: z.number().nullable(), exams: z.array(z.string()) }))
        .describe('per person: passes still needed to count (0: counts; 1: one exam away; null: cannot, exams retired) and which'),
    }),
  ),
});

export const levelCounts = z.object({
  asOf: z.string(),
  program: z.string(),
  programVersion: z.string(),
  total: z.number().int().describe('partners matching the filters'),
  options: z.array(
    z.object({
      competency: z.string(),
      option: z.string(),
      levels: z.array(z.object({ level: z.string().nullable(), count: z.number().int() })).describe('partners per level (null: none)'),
    }),
  ),
});

export type LevelSummary = z.infer<typeof levelSummary>;
export type PartnerSummary = z.infer<typeof partnerSummary>;
export type OptionOutlook = z.infer<typeof optionOutlook>;
export type PartnerOverview = z.infer<typeof partnerOverview>;
export type PartnerList = z.infer<typeof partnerList>;
export type RequirementResult = z.infer<typeof requirementResult>;
export type PartnerEvaluation = z.infer<typeof partnerEvaluation>;
export type EvaluationReport = z.infer<typeof evaluationReport>;
export type PartnerPlan = z.infer<typeof partnerPlan>;
export type PartnerForecast = z.infer<typeof partnerForecast>;
export type PartnerTimeline = z.infer<typeof partnerTimeline>;
export type QualificationMatrix = z.infer<typeof qualificationMatrix>;
export type LevelCounts = z.infer<typeof levelCounts>;
