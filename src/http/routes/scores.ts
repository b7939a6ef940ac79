/**
 * The scored programs (PCI, PCS; docs/rules.md §15): a partner's score in a
 * month — the same JSON as `attain score --format json` (app/scores.ts
 * `scoreAnswer`), or in `text` format the table it prints — from the
 * store's scoring records (the partner's neighbourhood, prepared once per store state: StoredScores);
 * its scored plan — the same JSON as `attain plan --scored --format json`
 * (app/scored-plans.ts `scoredPlanAnswer`), or its table; and the scored
 * versions. Tenancy as every partner page (tenancy.ts): a
 * partner account sees only its own partner, any other answers 404.
 */
import { z } from 'zod';
import { StoreDataError } from '../../app/evaluations.js';
import type { Outcome } from '../../app/reports.js';
import { scoredPlanAnswer, scoredPlanOf, type ScoredPlanInputNames } from '../../app/scored-plans.js';
import { scoreAnswer, scoredVersionSummaries, scoreOf } from '../../app/scores.js';
import { monthIndex } from '../../engine/index.js';
import { partnerScore, partnerScoredPlan, scoredVersionList } from '../../contract/index.js';
import { renderScoredPlanTable } from '../../render/scored-plan-table.js';
import { renderScoreTable } from '../../render/score-table.js';
import { principalOf } from '../auth.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, requestTranslator } from '../problems.js';
import { as, idParam, isoDate, localeParam, partnerParams, problemResponses, reportFormat, reportResponse } from '../schemas.js';
import { maySee } from '../tenancy.js';

const TAGS = ['scores'];

/** The names a score's (and a plan's) problems point at: its query parameters. */
const NAMES: ScoredPlanInputNames = {
  month: 'month',
  programVersion: 'programVersion',
  partner: 'partnerId',
  dataset: 'store',
  path: 'path',
  target: 'target',
  unitOfCost: 'unitOfCost',
};

const month = z
  .string()
  .max(7, 'notMonth')
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'notMonth')
  .meta({ example: '2020-11' });

const scoreQuery = z.strictObject({
  month: month.optional().describe("the evaluation month M, YYYY-MM: the latest month whose data counts (default: today's month, UTC)"),
  programVersion: isoDate.optional().describe('score by the scored version taking effect on this date instead of the one in force'),
  outlook: z.coerce.number().int().min(1).max(60).optional().describe('months ahead to score with nothing new: when the band is lost'),
  format: reportFormat,
  locale: localeParam,
});

/** A parameter that may be given more than once: one text, or a list of them. */
const repeatable = (description: string) =>
  z
    .union([z.string().max(300), z.array(z.string().max(300)).max(50)])
    .optional()
    .describe(description);

const planQuery = z.strictObject({
  month: month.describe('the evaluation month M, YYYY-MM: the latest month whose data counts'),
  path: idParam.optional().describe('plan this path only (its id); default: every path'),
  target: repeatable('band (the next band, default), qualification (the first band) or a band id; once'),
  unitOfCost: repeatable(
    'NAME=AMOUNT (repeatable): how much of a unit (usd, people, customers, pairs, deployments, active-users, consumption) or of a metric (its id) counts as one unit of cost; revenue in dollars',
  ),
  programVersion: isoDate.optional().describe('plan by the scored version taking effect on this date instead of the one in force'),
  format: reportFormat,
  locale: localeParam,
});

/** A repeatable parameter's values, in the order given. */
const all = (value: string | readonly string[] | undefined): readonly string[] | undefined =>
  value === undefined ? undefined : [value].flat();

/** The value, or the failure as the API answers it. */
function orProblem<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'partner') throw new HttpProblem(404, 'noScoringRecords');
  if (outcome.kind === 'data') throw new StoreDataError(outcome.problems);
  if (outcome.kind === 'target') throw new HttpProblem(422, 'badPlanChoice', {}, outcome.problems);
  throw new HttpProblem(422, 'noScoredVersion', {}, outcome.problems);
}

export function scoreRoutes(app: Api, { scores, settings }: Context): void {
  app.get(
    '/api/v1/partners/:partnerId/score',
    {
      schema: {
        tags: TAGS,
        summary:
          "The partner's score under the scored program in force in a month (PCI, PCS): per path each metric's value, full-points value, points and what the next point costs; the total and the band",
        params: partnerParams,
        querystring: scoreQuery,
        response: {
          200: reportResponse(partnerScore, 'the score (as `attain score --format json`)'),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      if (!maySee(principalOf(request), partnerId)) throw new HttpProblem(404, 'noPartner');
      const query = request.query;
      const m = monthIndex(query.month ?? settings.today().slice(0, 7));
      const prepared = orProblem(await scores.of(partnerId));
      const versions = scores.versions();
      const choice = { programVersion: query.programVersion, outlook: query.outlook };
      if (query.format === 'text') {
        const { report, version, window, outlook, status } = orProblem(scoreOf(versions, prepared, partnerId, m, choice, NAMES));
        return reply
          .type('text/plain; charset=utf-8')
          .send(renderScoreTable(report, version, window, requestTranslator(request), outlook, status));
      }
      return as(partnerScore, orProblem(scoreAnswer(versions, prepared, partnerId, m, choice, NAMES)));
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/score/plan',
    {
      schema: {
        tags: TAGS,
        summary:
          'The scored plan (PCI, PCS): per path the cheapest way to the next band, to qualification or to a band — the metrics to move, from which value to which, the points gained and the cost in units of cost',
        params: partnerParams,
        querystring: planQuery,
        response: {
          200: reportResponse(partnerScoredPlan, 'the plan (as `attain plan --scored --format json`)'),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { partnerId } = request.params;
      if (!maySee(principalOf(request), partnerId)) throw new HttpProblem(404, 'noPartner');
      const query = request.query;
      const m = monthIndex(query.month);
      const prepared = orProblem(await scores.of(partnerId));
      const versions = scores.versions();
      const choice = {
        programVersion: query.programVersion,
        path: query.path,
        target: all(query.target),
        unitOfCost: all(query.unitOfCost),
      };
      if (query.format === 'text') {
        const { plan, version } = orProblem(scoredPlanOf(versions, prepared, partnerId, m, choice, NAMES));
        return reply.type('text/plain; charset=utf-8').send(renderScoredPlanTable(plan, version, requestTranslator(request)));
      }
      return as(partnerScoredPlan, orProblem(scoredPlanAnswer(versions, prepared, partnerId, m, choice, NAMES)));
    },
  );

  app.get(
    '/api/v1/scored-versions',
    {
      schema: {
        tags: TAGS,
        summary: 'The scored versions (PCI, PCS): when each judges, its paths and metrics with their points, its bands',
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: scoredVersionList, ...problemResponses },
      },
    },
    async () => {
      return { versions: scoredVersionSummaries(scores.versions()) };
    },
  );
}
