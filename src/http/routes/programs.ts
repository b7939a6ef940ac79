/**
 * Program definitions: the versions the store keeps (or, in a store that
 * keeps none yet, the bundled definition its data would be judged by), each
 * version's definition document, and its requirement page rendered as
 * `attain docs` renders it, in a language. Loading a definition is for a
 * program-admin.
 */
import { z } from 'zod';
import { asIsoDate, versionFrom, type ProgramVersion } from '../../engine/index.js';
import { toHtmlPage } from '../../docs/html.js';
import { renderRequirementsPage } from '../../docs/requirements-page.js';
import { DEFAULT_PROGRAM_PATH, readProgramDefinitions } from '../../files/program-files.js';
import type { Api, Context } from '../context.js';
import { HttpProblem, requestTranslator } from '../problems.js';
import { programList, programVersionDocument } from '../../contract/index.js';
import { isoDate, localeParam, problemResponses } from '../schemas.js';
import { requireRole } from '../tenancy.js';

const TAGS = ['programs'];

const versionParams = z.strictObject({ programId: z.string().min(1).max(200), effectiveFrom: isoDate });

const saveReport = z.object({
  programId: z.string(),
  source: z.string(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  versions: z.array(z.object({ effectiveFrom: z.string(), status: z.enum(['added', 'updated', 'unchanged']) })),
});

export function programRoutes(app: Api, context: Context): void {
  const { store, evaluations } = context;

  /** The version of the program judging the store's data; 404 for any other program or date. */
  const version = async (programId: string, effectiveFrom: string): Promise<ProgramVersion> => {
    const { program } = await evaluations.program();
    const date = asIsoDate(effectiveFrom);
    const found = program.id === programId && date !== undefined ? versionFrom(program, date) : undefined;
    if (!found) throw new HttpProblem(404, 'noProgramVersion', { program: programId, date: effectiveFrom });
    return found;
  };

  app.get(
    '/api/v1/programs',
    {
      schema: {
        tags: TAGS,
        summary: 'The program definitions, version by version',
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: programList, ...problemResponses },
      },
    },
    async () => {
      const stored = await store.programVersions();
      if (stored.length === 0) {
        const { program } = await evaluations.program();
        return {
          stored: false,
          programs: [
            {
              id: program.id,
              versions: program.versions.map((v) => ({ effectiveFrom: v.effectiveFrom, source: DEFAULT_PROGRAM_PATH, loadedAt: null })),
            },
          ],
        };
      }
      const ids = [...new Set(stored.map((v) => v.programId))];
      return {
        stored: true,
        programs: ids.map((id) => ({
          id,
          versions: stored
            .filter((v) => v.programId === id)
            .map((v) => ({ effectiveFrom: v.effectiveFrom, source: v.source, loadedAt: v.loadedAt })),
        })),
      };
    },
  );

  app.post(
    '/api/v1/programs',
    {
      onRequest: async (request) => void requireRole(request, 'program-admin'),
      schema: {
        tags: TAGS,
        summary: 'Load a program definition: new versions added, changed ones updated (as `attain program load`). Program-admin only',
        querystring: z.strictObject({ locale: localeParam }),
        body: z.strictObject({
          definitions: z
            .array(z.record(z.string(), z.unknown()))
            .min(1)
            .max(100)
            .describe('one definition document per version (the YAML fragments of a version joined, as JSON)'),
          source: z.string().min(1).max(500).optional().describe('where the definition comes from (default: api)'),
        }),
        response: { 200: saveReport, ...problemResponses },
      },
    },
    async (request) => {
      try {
        const definitions = request.body.definitions.map((definition) => ({ definition }));
        const report = await store.saveProgram(definitions, request.body.source ?? 'api');
        return { ...report, versions: [...report.versions] };
      } finally {
        // Answered once the live state judges by the rules loaded (a failure to judge shows on the next read, as 409).
        await evaluations.refresh().catch(() => undefined);
      }
    },
  );

  app.get(
    '/api/v1/programs/:programId/versions/:effectiveFrom',
    {
      schema: {
        tags: TAGS,
        summary: "A version's definition document",
        params: versionParams,
        querystring: z.strictObject({ locale: localeParam }),
        response: { 200: programVersionDocument, ...problemResponses },
      },
    },
    async (request) => {
      const { programId, effectiveFrom } = request.params;
      await version(programId, effectiveFrom);
      let definition = await store.queries.programDefinition(programId, effectiveFrom);
      // A store that keeps no definition is judged by the bundled one.
      definition ??= readProgramDefinitions().definitions.find((d) => d.effectiveFrom === effectiveFrom)?.definition;
      if (definition === undefined) throw new HttpProblem(404, 'noProgramVersion', { program: programId, date: effectiveFrom });
      return { programId, effectiveFrom, definition: definition as Record<string, unknown> };
    },
  );

  app.get(
    '/api/v1/programs/:programId/versions/:effectiveFrom/page',
    {
      schema: {
        tags: TAGS,
        summary: "A competency's requirement page, as `attain docs` renders it, in a language",
        params: versionParams,
        querystring: z.strictObject({
          locale: localeParam,
          format: z.enum(['md', 'html']).default('md'),
          competency: z.string().min(1).max(200).optional().describe('the competency (default: the first of the version)'),
        }),
        response: {
          200: {
            description: 'the page: Markdown, or a standalone HTML page',
            content: { 'text/markdown': { schema: z.string() }, 'text/html': { schema: z.string() } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { programId, effectiveFrom } = request.params;
      const found = await version(programId, effectiveFrom);
      const known = found.competencies.map((c) => c.id);
      const competency = request.query.competency ?? known[0];
      if (competency === undefined || !known.includes(competency)) {
        throw new HttpProblem(404, 'noCompetency', { value: competency ?? '', known: known.join(', ') });
      }
      const tr = requestTranslator(request);
      const markdown = renderRequirementsPage(found, competency, tr);
      if (request.query.format === 'html') {
        const title = tr.text(found.competencies.find((c) => c.id === competency)!.name);
        return reply.type('text/html; charset=utf-8').send(toHtmlPage(markdown, { title, locale: tr.locale }));
      }
      return reply.type('text/markdown; charset=utf-8').send(markdown);
    },
  );
}
