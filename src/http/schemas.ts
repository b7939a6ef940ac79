/**
 * The API's shapes as zod schemas: what each route validates its query,
 * path and body with, what it answers, and what the OpenAPI document is
 * generated from. Response schemas follow the engine's report types; the
 * serializer encodes through them, so a field not declared here never goes
 * out.
 */
import { z } from 'zod';
import { isIsoDate } from '../engine/index.js';
import { LOCALES } from '../i18n/index.js';
import { ROLES } from '../store/accounts.js';

// ---- request pieces ---------------------------------------------------------------------------

/** A calendar date; its error message is a problem code, so the catalog words it in every language. */
export const isoDate = z
  .string()
  .max(10, 'notCalendarDate')
  .refine((v) => isIsoDate(v), 'notCalendarDate')
  .meta({ format: 'date', example: '2017-07-07' });

export const localeParam = z.enum(LOCALES).optional().describe('language of texts and problems (default: from Accept-Language, else en)');

/** An id of the dataset (partner, person…) in a path. */
export const idParam = z.string().min(1).max(200);

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('items per page (1–500)'),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).describe('items to skip'),
};

export const partnerParams = z.strictObject({ partnerId: idParam.describe('the partner id') });

/** Query parameters deciding which rules judge: the date and, optionally, the version forced. */
export const rulesQuery = {
  asOf: isoDate.optional().describe('evaluation date (default: today, UTC)'),
  programVersion: isoDate.optional().describe('judge by the version taking effect on this date instead of the one in force'),
  locale: localeParam,
};

/** `json` (ids and numbers), or `text`: the command line's table in the request's language. */
export const reportFormat = z.enum(['json', 'text']).default('json').describe('json, or text: the table `attain` prints, in the locale');

// ---- responses --------------------------------------------------------------------------------

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z
      .array(z.object({ record: z.string(), field: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .describe('what is wrong with the input, first 100'),
    total: z.number().int().optional().describe('how many problems in all'),
  })
  .describe('RFC 9457 problem details');
// One component of the OpenAPI document, referred to by every route.
z.globalRegistry.add(problemSchema, { id: 'Problem' });

/** Every route's error answers: a problem body. */
export const problemResponses = {
  '4xx': { description: 'the request cannot be answered: a problem', content: { 'application/problem+json': { schema: problemSchema } } },
  '5xx': { description: 'the server failed: a problem', content: { 'application/problem+json': { schema: problemSchema } } },
} as const;

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(ROLES),
  partnerId: z.string().nullable(),
  createdAt: z.string(),
});

export const levelSummary = z.object({ competency: z.string(), option: z.string(), level: z.string().nullable() });

export const partnerSummary = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  market: z.string(),
  levels: z.array(levelSummary).describe('the level attained in each option on the as-of date (null: none)'),
});

const revenueRequirement = z.object({
  id: z.string(),
  kind: z.literal('revenue'),
  met: z.boolean(),
  actual: z.number(),
  required: z.number(),
  shortfall: z.number(),
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
  required: z.number(),
  shortfall: z.number(),
  carriedBy: z.string().nullable(),
  closest: z.string(),
  alternatives: z.array(singleRequirement),
});

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
              requirements: z.array(z.discriminatedUnion('kind', [revenueRequirement, peopleRequirement, anyOfRequirement])),
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
  partners: z.array(partnerEvaluation),
});

const examAssignment = z.object({ personId: z.string(), exams: z.array(z.string()) });

export const partnerPlan = z.object({
  partnerId: z.string(),
  asOf: z.string(),
  programVersion: z.string(),
  targets: z.array(
    z.object({
      competency: z.string(),
      option: z.string(),
      level: z.string(),
      met: z.boolean(),
      revenue: z.array(
        z.object({ requirement: z.string(), shortfall: z.number(), products: z.array(z.string()), netNewOnly: z.boolean() }),
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
  required: z.number(),
  shortfall: z.number(),
});

export const partnerForecast = z.object({
  partnerId: z.string(),
  asOf: z.string(),
  programVersion: z.string(),
  options: z.array(
    z.object({
      competency: z.string(),
      option: z.string(),
      level: z.string().nullable(),
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
      options: z.array(
        z.object({
          competency: z.string(),
          option: z.string(),
          level: z.string().nullable(),
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

export const mergeCounts = z.object({ added: z.number(), updated: z.number(), unchanged: z.number() });

export const importReport = z.object({
  batch: z.number(),
  source: z.string(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  collections: z.record(z.string(), mergeCounts),
  rejectedRecords: z.array(
    z.object({
      collection: z.string(),
      index: z.number(),
      line: z.number().optional(),
      id: z.string().optional(),
      reasons: z.array(z.string()),
    }),
  ),
});

/** JSON (or text) for a report: `text` answers the command line's table. */
export function reportResponse<T extends z.ZodType>(schema: T, description: string) {
  return {
    description,
    content: {
      'application/json': { schema },
      'text/plain': { schema: z.string().describe('the table `attain` prints, in the locale') },
    },
  } as const;
}

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(item) });
}

/**
 * An engine result as its response schema's type: the engine's types are
 * deeply readonly, the schemas' outputs are not. The serializer checks the
 * value against the schema on the way out.
 */
export function as<S extends z.ZodType>(_schema: S, value: unknown): z.output<S> {
  return value as z.output<S>;
}
