/**
 * Partners: the list (every partner's levels and outlook as of a date,
 * filtered, sorted and paged from the whole-store evaluation kept in memory,
 * or all of it as CSV: app/overview.ts), one partner,
 * and its evaluation, plan, forecast and timeline — computed from its
 * neighbourhood exactly as `attain evaluate`, `plan`, `forecast` and
 * `timeline` compute them from the store, and in `text` format worded by
 * the same renderers.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { IsoDate } from '../../engine/index.js';
import { StoreDataError } from '../../app/evaluations.js';
import { keptOverview, matchesFilters, OVERVIEW_SORTS } from '../../app/overview.js';
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
import { renderOverviewCsv } from '../../render/overview-csv.js';
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
  partnerOverview,
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
  level: z
    .string()
    .max(100)
    .optional()
    .describe('a level id, none, or any: with `option`, that level in it (any: whatever the level, none included); alone, in some option'),
  lapsesWithin: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_600)
    .optional()
    .describe(
      'days: partners whose level in an option (`option`, or any) lapses within this many days after `asOf` if nothing new arrives',
    ),
  nextWithin: z.coerce
    .number()
    .min(0)
    .max(1_000)
    .optional()
    .describe(
      "percent: partners within this much of an option's next level (`option`, or any): its largest shortfall ÷ the requirement, unit-free",
    ),
  sort: z
    .enum(OVERVIEW_SORTS)
    .default('id')
    .describe(
      'level, lapse (the earliest), shortfallRatio and revenueShortfall (the smallest) look at `option`, or every option; partners with none come last',
    ),
  order: z.enum(['asc', 'desc']).default('asc'),
  format: z
    .enum(['json', 'csv'])
    .default('json')
    .describe('json: one page; csv: every partner of the list, one row per partner and option (`limit` and `offset` do not apply)'),
  ...pageQuery,
});

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

export function partnerRoutes(app: Api, { store, evaluations, settings }: Context): void {
  /** Every partner the principal may see, with its levels as of the date: the whole store for a program-admin, its own partner otherwise. */
  const visibleSummaries = async (visible: ReturnType<typeof visiblePartners>, rules: RulesChoice) => {
    // A partner account sees its own partner only: its neighbourhood is evaluated, not the whole store.
    const summaries =
      'all' in visible
        ? await evaluations.summaries(rules, API_INPUTS)
        : await evaluations.partnerSummaries(visible.only, rules, API_INPUTS);
    if (!summaries) throw new HttpProblem(404, 'noPartner');
    return orProblem(summaries);
  };

  /** Every partner the principal may see, with its levels and outlook: the whole store for a program-admin, its own partner otherwise. */
  const visibleOverview = async (visible: ReturnType<typeof visiblePartners>, rules: RulesChoice) => {
    const found =
      'all' in visible ? await evaluations.overview(rules, API_INPUTS) : await evaluations.partnerOverview(visible.only, rules, API_INPUTS);
    if (!found) throw new HttpProblem(404, 'noPartner');
    return orProblem(found);
  };

  /** The partner in the live state (no store read); 404 when the principal may not see it (tenancy.ts) or it does not exist. */
  const partnerJudged = async (request: Parameters<typeof partnerScope>[1], partnerId: string) => {
    await partnerScope(store, request, partnerId);
    const data = await evaluations.judged(partnerId);
    if (!data) throw new HttpProblem(404, 'noPartner');
    return data;
  };

  /** The partner's neighbourhood, as records (what the plan, the matrix and tables need); 404 as partnerJudged. */
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
        summary:
          'Partners with their levels and outlook (next level, lapse) as of a date: filtered, searched, sorted, paged; or all of them as CSV',
        querystring: listQuery,
        response: {
          200: {
            description: 'a page of partners, or with `format=csv` every partner of the list (an attachment)',
            content: {
              'application/json': { schema: partnerList },
              'text/csv': { schema: z.string().describe('one row per partner and option (docs: the partner list)') },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const visible = visiblePartners(principalOf(request));
      const rules = rulesOf(query, settings.today);
      const { summaries, rows } = await visibleOverview(visible, rules);
      const chosen = keptOverview(rows, summaries.version, rules.asOf, query, requestTranslator(request).locale);
      if (!chosen.ok) {
        const { kind, value, known } = chosen.problem;
        throw new HttpProblem(422, kind, { value, known: known.join(', ') });
      }
      const { rows: sorted, options } = chosen.value;
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="partners-${summaries.asOf}.csv"`)
          .send(renderOverviewCsv(sorted, options));
      }
      return {
        asOf: summaries.asOf,
        program: summaries.program,
        programVersion: summaries.programVersion,
        total: sorted.length,
        limit: query.limit,
        offset: query.offset,
        items: as(z.array(partnerOverview), sorted.slice(query.offset, query.offset + query.limit)),
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
      const summaries = await visibleSummaries(visiblePartners(principalOf(request)), rulesOf(query, settings.today));
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
      const rules = rulesOf(request.query, settings.today);
      if (request.query.format === 'text') {
        // The table names customers and people: their records, from the partner's neighbourhood.
        const data = await partnerData(request, partnerId);
        const { version, result } = orProblem(evaluation(data, [partnerId], rules, API_INPUTS));
        const partners = new Map(data.dataset.partners.map((p) => [p.id, p] as const));
        return sendText(
          reply,
          renderEvaluationTable(result, version, (id) => partners.get(id), requestTranslator(request)),
        );
      }
      const { result } = orProblem(evaluation(await partnerJudged(request, partnerId), [partnerId], rules, API_INPUTS));
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
      const rules = rulesOf(request.query, settings.today);
      if (request.query.format === 'text') {
        const data = await partnerData(request, partnerId);
        const result = orProblem(forecast(data, partnerId, rules, API_INPUTS));
        return sendText(reply, renderForecastTable(result, data.program, data.dataset, requestTranslator(request)));
      }
      return as(partnerForecast, orProblem(forecast(await partnerJudged(request, partnerId), partnerId, rules, API_INPUTS)));
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
      const data = await partnerJudged(request, partnerId);
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
