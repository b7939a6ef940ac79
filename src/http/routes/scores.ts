/**
 * The scored programs (PCI, PCS; docs/rules.md §15): a partner's score in a
 * month — the same JSON as `attain score --format json` (app/scores.ts
 * `scoreAnswer`), or in `text` format the table it prints — from the
 * store's scoring records, prepared once per store state (StoredScores);
 * and the scored versions. Tenancy as every partner page (tenancy.ts): a
 * partner account sees only its own partner, any other answers 404.
 */
import { z } from 'zod';
import { StoreDataError } from '../../app/evaluations.js';
import type { Outcome } from '../../app/reports.js';
import { scoreAnswer, scoredVersionSummaries, scoreOf, type ScoreInputNames } from '../../app/scores.js';
import { monthIndex } from '../../engine/index.js';
import { partnerScore, scoredVersionList } from '../../contract/index.js';
import { renderScoreTable } from '../../render/score-table.js';
import { principalOf } from '../auth.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, requestTranslator } from '../problems.js';
import { as, isoDate, localeParam, partnerParams, problemResponses, reportFormat, reportResponse } from '../schemas.js';
import { maySee } from '../tenancy.js';

const TAGS = ['scores'];

/** The names a score's problems point at: its query parameters. */
const NAMES: ScoreInputNames = { month: 'month', programVersion: 'programVersion', partner: 'partnerId', dataset: 'store' };

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

/** The value, or the failure as the API answers it. */
function orProblem<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'partner') throw new HttpProblem(404, 'noScoringRecords');
  if (outcome.kind === 'data') throw new StoreDataError(outcome.problems);
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
      const prepared = orProblem(await scores.current());
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
