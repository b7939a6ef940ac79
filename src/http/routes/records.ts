/**
 * A partner's records: its people with their exam passes, its exam passes,
 * its revenue lines (paged in SQL). A partner-admin (or a program-admin)
 * adds people and exam passes to the partner: a fragment imported with
 * Store.import, so every rule of a dataset applies, and nothing can touch
 * another partner's records.
 *
 * Person ids are one space for all partners, so what a partner account may
 * name must not depend on other partners' people: it names only its own
 * people (to rename them), and any other id — another partner's or nobody's
 * — gets the same 422; a new person is sent without an id and gets one made
 * by the server, which tells nothing about the ids that exist. A
 * program-admin, who sees everyone, chooses ids freely and is told (409)
 * when one is taken.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Context, Api } from '../context.js';
import { importFiles } from '../importing.js';
import { HttpProblem } from '../problems.js';
import { examPassPage, importReport, peopleWritten, personPage, revenueLinePage } from '../../contract/index.js';
import { principalOf } from '../auth.js';
import { as, isoDate, localeParam, pageQuery, partnerParams, problemResponses } from '../schemas.js';
import { partnerScope, writablePartner } from '../tenancy.js';

const TAGS = ['people and exam passes'];

const text = (max: number) => z.string().trim().min(1).max(max);

const newPerson = z.strictObject({
  id: text(200)
    .optional()
    .describe('the person id: one of the partner’s people to rename; left out, a new person gets an id made by the server'),
  name: text(500),
});

/** A new person's id: the partner's id and 48 random bits, within the 200 characters of an id. */
function madeId(partnerId: string): string {
  return `${partnerId.slice(0, 180)}-${randomBytes(6).toString('hex').toUpperCase()}`;
}
const newExamPass = z.strictObject({ personId: text(200), exam: text(100), date: isoDate });

/** One record, or several (at most 1,000) at once. */
function oneOrMany<T extends z.ZodType>(record: T) {
  return z.union([record, z.array(record).min(1).max(1000)]);
}

const pageOnly = z.strictObject({ ...pageQuery, locale: localeParam });

export function recordRoutes(app: Api, context: Context): void {
  const { store } = context;

  app.get(
    '/api/v1/partners/:partnerId/people',
    {
      schema: {
        tags: TAGS,
        summary: "The partner's people, each with their exam passes",
        params: partnerParams,
        querystring: pageOnly,
        response: { 200: personPage, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await partnerScope(store, request, partnerId);
      const { limit, offset } = request.query;
      return { ...(await store.queries.people(partnerId, { limit, offset })), limit, offset };
    },
  );

  app.post(
    '/api/v1/partners/:partnerId/people',
    {
      schema: {
        tags: TAGS,
        summary:
          'Add people to the partner (without an id: the server makes one) or rename them: program-admin, or partner-admin of the partner (who names only its own people)',
        params: partnerParams,
        querystring: z.strictObject({ locale: localeParam }),
        body: oneOrMany(newPerson),
        response: { 200: peopleWritten, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await writablePartner(store, request, partnerId);
      const programAdmin = principalOf(request).user.role === 'program-admin';
      const people = [request.body].flat().map((p) => ({ id: p.id ?? madeId(partnerId), name: p.name, given: p.id !== undefined }));
      for (const [i, person] of people.entries()) {
        const owner = await store.queries.partnerOfPerson(person.id);
        if (owner === partnerId) continue;
        if (programAdmin || !person.given) {
          if (owner !== undefined) throw new HttpProblem(409, 'personTaken', { record: `people[${i}]` });
        } else {
          // The same answer whether the id is another partner's or nobody's.
          throw new HttpProblem(422, 'notYourPerson', { record: `people[${i}]` });
        }
      }
      const incoming = { people: people.map((p) => ({ id: p.id, partnerId, name: p.name })) };
      const [report] = await importFiles(context, [{ incoming, source: `${partnerId}/people` }]);
      return { ...as(importReport, report), ids: people.map((p) => p.id) };
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/exam-passes',
    {
      schema: {
        tags: TAGS,
        summary: "The exam passes of the partner's people, by date",
        params: partnerParams,
        querystring: pageOnly,
        response: { 200: examPassPage, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await partnerScope(store, request, partnerId);
      const { limit, offset } = request.query;
      return { ...(await store.queries.examPasses(partnerId, { limit, offset })), limit, offset };
    },
  );

  app.post(
    '/api/v1/partners/:partnerId/exam-passes',
    {
      schema: {
        tags: TAGS,
        summary: "Record exam passes of the partner's people: program-admin, or partner-admin of the partner",
        params: partnerParams,
        querystring: z.strictObject({ locale: localeParam }),
        body: oneOrMany(newExamPass),
        response: { 200: importReport, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await writablePartner(store, request, partnerId);
      const passes = [request.body].flat();
      for (const [i, pass] of passes.entries()) {
        // The same answer whether the person is another partner's or nobody's.
        if ((await store.queries.partnerOfPerson(pass.personId)) !== partnerId) {
          throw new HttpProblem(422, 'notYourPerson', { record: `examPasses[${i}]` });
        }
      }
      const incoming = { examPasses: passes.map((p) => ({ personId: p.personId, exam: p.exam, date: p.date })) };
      const [report] = await importFiles(context, [{ incoming, source: `${partnerId}/exam-passes` }]);
      return as(importReport, report);
    },
  );

  app.get(
    '/api/v1/partners/:partnerId/revenue',
    {
      schema: {
        tags: ['revenue'],
        summary: "Revenue lines of the partner's customers dated while associated with the partner, by date",
        params: partnerParams,
        querystring: z.strictObject({
          from: isoDate.optional().describe('lines dated on or after'),
          to: isoDate.optional().describe('lines dated on or before'),
          ...pageQuery,
          locale: localeParam,
        }),
        response: { 200: revenueLinePage, ...problemResponses },
      },
    },
    async (request) => {
      const { partnerId } = request.params;
      await partnerScope(store, request, partnerId);
      const { limit, offset, from, to } = request.query;
      return { ...(await store.queries.revenue(partnerId, { limit, offset, from, to })), limit, offset };
    },
  );
}
