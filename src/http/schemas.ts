/**
 * What only the HTTP layer needs of the API's shapes: the pieces each route
 * validates its query and path with, and the wrapping of answers — problem
 * bodies for every error status, JSON-or-text for reports. The answers'
 * shapes themselves are the contract (src/contract), which the dashboard
 * reads too.
 */
import { z } from 'zod';
import { problemSchema } from '../contract/index.js';
import { isIsoDate } from '../engine/index.js';
import { LOCALES } from '../i18n/index.js';

// ---- request pieces ---------------------------------------------------------------------------

/**
 * A calendar date, parsed here once: the handler gets the engine's IsoDate
 * (the same brand). Its error message is a problem code, so the catalog
 * words it in every language.
 */
export const isoDate = z
  .string()
  .max(10, 'notCalendarDate')
  .refine((v) => isIsoDate(v), 'notCalendarDate')
  .brand<'IsoDate'>()
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

// ---- answers ---------------------------------------------------------------------------------

// One component of the OpenAPI document, referred to by every route.
z.globalRegistry.add(problemSchema, { id: 'Problem' });

/** Every route's error answers: a problem body. */
export const problemResponses = {
  '4xx': { description: 'the request cannot be answered: a problem', content: { 'application/problem+json': { schema: problemSchema } } },
  '5xx': { description: 'the server failed: a problem', content: { 'application/problem+json': { schema: problemSchema } } },
} as const;

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

/**
 * An engine result as its response schema's type: the engine's types are
 * deeply readonly, the schemas' outputs are not. The serializer checks the
 * value against the schema on the way out.
 */
export function as<S extends z.ZodType>(_schema: S, value: unknown): z.output<S> {
  return value as z.output<S>;
}
