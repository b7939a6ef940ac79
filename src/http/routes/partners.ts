/**
 * Partners: the list (every partner's levels as of a date, filtered, sorted
 * and paged from the whole-store evaluation kept in memory), one partner,
 * and its evaluation, plan, forecast and timeline — computed from its
 * neighbourhood exactly as `attain evaluate`, `plan`, `forecast` and
 * `timeline` compute them from the store, and in `text` format worded by
 * the same renderers.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { IsoDate, ProgramVersion } from '../../engine/index.js';
import { StoreDataError, type PartnerSummary } from '../../app/evaluations.js';
import {
  evaluation,
  forecast,
  plan,
  qualifications,
  timeline,
  timelineRange,
  type InputNames,
  type Outcome,
  type RulesChoice,
} from '../../app/reports.js';
import { renderEvaluationTable } from '../../render/evaluation-table.js';
import { renderForecastTable } from '../../render/forecast-table.js';
import { renderPlanTable } from '../../render/plan-table.js';
import { renderTimelineCsv, renderTimelineTable } from '../../render/timeline-table.js';
import { principalOf } from '../auth.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, requestTranslator } from '../problems.js';
import {
  evaluationReport,
  levelCounts,
  partnerForecast,
  partnerList,
  partnerPlan,
  partnerSummary,
  partnerTimeline,
  qualificationMatrix as qualificationMatrixSchema,
} from '../../contract/index.js';
import {
  as,
  isoDate,
  localeParam,
  pageQuery,
  partnerParams,
  problemResponses,
  reportFormat,
  reportResponse,
  rulesQuery,
} from '../schemas.js';
import { partnerScope, visiblePartners } from '../tenancy.js';

const TAGS = ['partners'];

const listQuery = z.strictObject({
  ...rulesQuery,
  q: z.string().max(200).optional().describe('a piece of the id or name, any case'),
  market: z.string().max(100).optional().describe('a market id, e.g. developed'),
  country: z.string().max(10).optional().describe('an ISO 3166-1 alpha-2 code'),
  option: z
    .string()
    .max(200)
    .optional()
    .describe('an option id (COMPETENCY/OPTION when not unique): partners with a level in it, or `level`'),
  level: z.string().max(100).optional().describe('a level id, or none: with `option`, that level in it; alone, in some option'),
  sort: z.enum(['id', 'name', 'country', 'market']).default('id'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...pageQuery,
});

type ListQuery = z.infer<typeof listQuery>;

/** The partner-summary predicate of the `option` and `level` filters; 422 for an option or level the version does not have. */
function levelFilter(version: ProgramVersion, query: ListQuery): (p: PartnerSummary) => boolean {
  const { option, level } = query;
  if (option === undefined && level === undefined) return () => true;
  const options = version.competencies.flatMap((c) => c.options.map((o) => ({ competency: c.id, option: o, key: `${c.id}/${o.id}` })));
  const chosen = option === undefined ? options : options.filter((o) => o.option.id === option || o.key === option);
  if (chosen.length === 0) {
    throw new HttpProblem(422, 'unknownOption', { value: option ?? '', known: options.map((o) => o.option.id).join(', ') });
  }
  if (level !== undefined && level !== 'none' && !chosen.some((o) => o.option.levels.some((l) => l.id === level))) {
    const known = [...new Set(chosen.flatMap((o) => o.option.levels.map((l) => l.id))), 'none'];
    throw new HttpProblem(422, 'unknownLevel', { value: level, known: known.join(', ') });
  }
  const keys = new Set(chosen.map((o) => o.key));
  const wanted =
    level === undefined ? (l: string | null) => l !== null : (l: string | null) => (level === 'none' ? l === null : l === level);
  return (p) => p.levels.some((l) => keys.has(`${l.competency}/${l.option}`) && wanted(l.level));
}

function sortPartners(items: PartnerSummary[], query: ListQuery, locale: string): PartnerSummary[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const byId = (a: PartnerSummary, b: PartnerSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const compare =
    query.sort === 'id' ? byId : (a: PartnerSummary, b: PartnerSummary) => collator.compare(a[query.sort], b[query.sort]) || byId(a, b);
  const sign = query.order === 'desc' ? -1 : 1;
  return items.sort((a, b) => sign * compare(a, b));
}

/** The API's names for the inputs a problem can point at: its query parameters. */
export const API_INPUTS: InputNames = {
  asOf: 'asOf',
  programVersion: 'programVersion',
  target: 'target',
  from: 'from',
  to: 'to',
  partner: 'partnerId',
};

/** The value of a use case, or its failure as the API answers it. */
function orProblem<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'partner') throw new HttpProblem(404, 'noPartner');
  // The store's data cannot be judged (a sum past exact range): the store's state, not the request, is at fault.
  if (outcome.kind === 'data') throw new StoreDataError(outcome.problems);
  const detail = outcome.kind === 'target' ? 'badTarget' : outcome.kind === 'dates' ? 'badDates' : 'badRules';
  throw new HttpProblem(422, detail, {}, outcome.problems);
}

/** The `asOf` and `programVersion` parameters (parsed by the schema), today when `asOf` is absent. */
function rulesOf(query: { asOf?: IsoDate | undefined; programVersion?: IsoDate | undefined }, today: () => IsoDate): RulesChoice {
  return { asOf: query.asOf ?? today(), programVersion: query.programVersion };
}

/** Whether a partner passes the list's market, country and search filters (the level filter is the list's own). */
function matchesFilters(query: { market?: string | undefined; country?: string | undefined; q?: string | undefined }) {
  const needle = query.q?.toLowerCase();
  return (p: PartnerSummary): boolean =>
    (query.market === undefined || p.market === query.market) &&
    (query.country === undefined || p.country === query.country.toUpperCase()) &&
    (needle === undefined || p.id.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle));
}

export function partnerRoutes(app: Api, { store, evaluations, settings }: Context): void {
  /** Every partner the principal may see, with its levels as of the date: the whole store for a program-admin, its own partner otherwise. */
  const visibleSummaries = async (
    request: Parameters<typeof principalOf>[0],
    asOf: IsoDate | undefined,
    programVersion: IsoDate | undefined,
  ) => {
    const visible = visiblePartners(principalOf(request));
    const rules = rulesOf({ asOf, programVersion }, settings.today);
    // A partner account sees its own partner only: its neighbourhood is evaluated, not the whole store.
    const summaries =
      'all' in visible
        ? await evaluations.summaries(rules, API_INPUTS)
        : await evaluations.partnerSummaries(visible.only, rules, API_INPUTS);
    if (!summaries) throw new HttpProblem(404, 'noPartner');
    return orProblem(summaries);
  };

  /** The partner's neighbourhood; 404 when the principal may not see it (tenancy.ts) or it does not exist. */
  const partnerData = async (request: Parameters<typeof partnerScope>[1], partnerId: string) => {
    await partnerScope(store, request, partnerId);
    const data = await evaluations.partner(partnerId);
    if (!data) throw new HttpProblem(404, 'noPartner');
    return data;
  };

  app.get(
    '/api/v1/partners',
    {
      schema: {
        tags: TAGS,
        summary: 'Partners with their levels as of a date: filtered, searched, sorted, paged',
        querystring: listQuery,
        response: { 200: partnerList, ...problemResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const summaries = await visibleSummaries(request, query.asOf, query.programVersion);
      const matchesLevel = levelFilter(summaries.version, query);
      const matches = matchesFilters(query);
      const items = summaries.partners.filter((p) => matches(p) && matchesLevel(p));
      const sorted = sortPartners(items, query, requestTranslator(request).locale);
      return {
        asOf: summaries.asOf,
        program: summaries.program,
        programVersion: summaries.programVersion,
        total: sorted.length,
        limit: query.limit,
        offset: query.offset,
        items: as(z.array(partnerSummary), sorted.slice(query.offset, query.offset + query.limit)),
      };
    },
  );

  app.get(
    '/api/v1/partner-counts',
    {
      schema: {
        tags: TAGS,
        summary: 'How many partners hold each level of each option as of a date (filtered like the list)',
        querystring: z.strictObject({
          ...rulesQuery,
          q: listQuery.shape.q,
          market: listQuery.shape.market,
          country: listQuery.shape.country,
        }),
        response: { 200: levelCounts, ...problemResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const summaries = await visibleSummaries(request, query.asOf, query.programVersion);
      const matches = matchesFilters(query);
      const options = summaries.version.competencies.flatMap((c) =>
        c.options.map((o) => ({
          competency: c.id,
          option: o.id,
          counts: new Map<string | null, number>([...o.levels.map((l) => [l.id, 0] as const), [null, 0]]),
        })),
      );
      let total = 0;
      for (const p of summaries.partners) {
        if (!matches(p)) continue;
        total += 1;
        for (const l of p.levels) {
          const option = options.find((o) => o.competency === l.competency && o.option === l.option);
          if (option) option.counts.set(l.level, (option.counts.get(l.level) ?? 0) + 1);
        }
      }
      return {
        asOf: summaries.asOf,
        program: summaries.program,
        programVersion: summaries.programVersion,
        total,
        options: options.map((o) => ({
          competency: o.competency,
          option: o.option,
          levels: [...o.counts].map(([level, count]) => ({ level, count })),
        })),
      };
    },
  );

  app.get(
    '/api/v1/partners/:partnerId',
    {
      schema: {
        tags: TAGS,
        summary: 'One partner, with its levels as of a date',
        params: partnerParams,
        querystring: z.strictObject(rulesQuery),
        response: { 200: partnerSummary, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await partnerScope(store, request, partnerId);
      const summaries = await evaluations.partnerSummaries(partnerId, rulesOf(request.query, settings.today), API_INPUTS);
      if (!summaries) throw new HttpProblem(404, 'noPartner');
      return as(partnerSummary, orProblem(summaries).partners[0]);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/evaluation',
    {
      schema: {
        tags: TAGS,
        summary: "The partner's evaluation: each option's level, each requirement's actual, required, shortfall and evidence",
        params: partnerParams,
        querystring: z.strictObject({ ...rulesQuery, format: reportFormat }),
        response: {
          200: reportResponse(evaluationReport, 'the evaluation report (as `attain evaluate --format json`)'),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      const data = await partnerData(request, partnerId);
      const { version, result } = orProblem(evaluation(data, [partnerId], rulesOf(request.query, settings.today), API_INPUTS));
      const partners = new Map(data.dataset.partners.map((p) => [p.id, p] as const));
      if (request.query.format === 'text') {
        return sendText(
          reply,
          renderEvaluationTable(result, version, (id) => partners.get(id), requestTranslator(request)),
        );
      }
      return as(evaluationReport, result);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/plan',
    {
      schema: {
        tags: TAGS,
        summary: 'What it takes to reach a level: revenue to book, who takes which exams, revenue that counts for nobody',
        params: partnerParams,
        querystring: z.strictObject({
          ...rulesQuery,
          target: z
            .union([z.string().max(300), z.array(z.string().max(300)).max(50)])
            .optional()
            .describe('OPTION/LEVEL (repeatable; default: the next level of each option)'),
          format: reportFormat,
        }),
        response: { 200: reportResponse(partnerPlan, 'the plan (as `attain plan --format json`)'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      const data = await partnerData(request, partnerId);
      const targets = request.query.target === undefined ? [] : [request.query.target].flat();
      const { version, result } = orProblem(plan(data, partnerId, rulesOf(request.query, settings.today), targets, API_INPUTS));
      if (request.query.format === 'text')
        return sendText(reply, renderPlanTable(result, version, data.dataset, requestTranslator(request)));
      return as(partnerPlan, result);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/forecast',
    {
      schema: {
        tags: TAGS,
        summary: 'When each attained level lapses if no new revenue arrives, and when the next would be reached at the current rate',
        params: partnerParams,
        querystring: z.strictObject({ ...rulesQuery, format: reportFormat }),
        response: { 200: reportResponse(partnerForecast, 'the forecast (as `attain forecast --format json`)'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      const data = await partnerData(request, partnerId);
      const result = orProblem(forecast(data, partnerId, rulesOf(request.query, settings.today), API_INPUTS));
      if (request.query.format === 'text')
        return sendText(reply, renderForecastTable(result, data.program, data.dataset, requestTranslator(request)));
      return as(partnerForecast, result);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/qualifications',
    {
      schema: {
        tags: TAGS,
        summary: 'People × exams: for each people requirement, who counts, who is one exam away, and what each still needs',
        params: partnerParams,
        querystring: z.strictObject(rulesQuery),
        response: { 200: qualificationMatrixSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      const data = await partnerData(request, partnerId);
      const { result } = orProblem(qualifications(data, partnerId, rulesOf(request.query, settings.today), API_INPUTS));
      return as(qualificationMatrixSchema, result);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/timeline',
    {
      schema: {
        tags: TAGS,
        summary: "The partner's levels, TTM revenue and qualifying people at every step between two dates",
        params: partnerParams,
        querystring: z.strictObject({
          from: isoDate.describe('first date'),
          to: isoDate.describe('last date'),
          step: z.enum(['month', 'week']).default('month'),
          programVersion: rulesQuery.programVersion,
          locale: localeParam,
          format: z.enum(['json', 'csv', 'text']).default('json'),
        }),
        response: {
          200: {
            description: 'the timeline (as `attain timeline --format json`), or CSV, or text',
            content: {
              'application/json': { schema: partnerTimeline },
              'text/csv': { schema: z.string() },
              'text/plain': { schema: z.string() },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      const { from, to, step, format } = request.query;
      const range = orProblem(timelineRange(from, to, step, API_INPUTS));
      const data = await partnerData(request, partnerId);
      const result = orProblem(timeline(data, partnerId, range, request.query.programVersion, API_INPUTS));
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(renderTimelineCsv(result));
      if (format === 'text') return sendText(reply, renderTimelineTable(result, data.program, requestTranslator(request)));
      return as(partnerTimeline, result);
    },
  );
}

/** A table as `attain` prints it, in the request's language. */
function sendText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('text/plain; charset=utf-8').send(text);
}
