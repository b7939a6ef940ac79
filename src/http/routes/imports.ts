/**
 * Imports (program-admin): a JSON dataset or fragment as the body, or
 * files in a multipart body — JSON datasets and CSV files of one entity
 * each, the entity named by the part's field name (`revenue=@weekly.csv`),
 * by the file name (`exam-passes.csv`) or by an `entity` field sent before
 * the file. The same Store.import as `attain import`: all files checked
 * together, all or nothing, idempotent, problems by file and line. Uploads
 * are streamed to a temporary folder (CSV files are then streamed into the
 * store, as from disk), never more than the upload limit in all.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { collections, InvalidInputError, problem, type CollectionName, type Problem } from '../../engine/index.js';
import { csvRows, entityOfFileName, isEntity } from '../../files/csv-dataset.js';
import type { Batch, ImportSource } from '../../store/store.js';
import type { Api, Context } from '../context.js';
import { principalOf } from '../auth.js';
import { importFiles } from '../importing.js';
import { HttpProblem, nulAt } from '../problems.js';
import { importReport, importReports, paged } from '../../contract/index.js';
import { as, localeParam, pageQuery, problemResponses } from '../schemas.js';
import { requireRole } from '../tenancy.js';

const TAGS = ['imports'];

const importQuery = z.strictObject({
  skipInvalid: z.enum(['true', 'false']).default('false').describe('import the good records, leave out (and report) the rejected ones'),
  source: z.string().min(1).max(200).optional().describe('the name a JSON body is reported under (default: request.json)'),
  locale: localeParam,
});

const batchSchema = z.object({
  batch: z.number().int(),
  source: z.string(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.string()),
});

/** No PostgreSQL text can hold a NUL character: a file with one is refused as a whole. */
const NUL = 'holds a NUL character (\\u0000)';

/** A file name as given, reduced to a safe base name. */
function safeName(name: string | undefined, fallback: string): string {
  const base = basename((name ?? '').replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_');
  return base === '' || base === '.' || base === '..' ? fallback : base.slice(0, 200);
}

/** A problem's texts with the temporary folder taken out: files are named as uploaded. */
function relabel(error: InvalidInputError, folder: string): InvalidInputError {
  const strip = (text: string) => text.split(`${folder}/`).join('').split(folder).join('');
  const problems = error.problems.map((p): Problem => ({
    ...p,
    record: strip(p.record),
    values: Object.fromEntries(Object.entries(p.values).map(([k, v]) => [k, typeof v === 'string' ? strip(v) : v])),
  }));
  return new InvalidInputError(strip(error.source), problems, error.total);
}

/** Counts the bytes of every uploaded file together; beyond the limit, the upload is refused. */
function budget(limit: number): () => Transform {
  let used = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        used += chunk.length;
        if (used > limit) done(new HttpProblem(413, 'tooLarge'));
        else done(null, chunk);
      },
    });
}

/** The files of a multipart body, saved under `folder`: what Store.import reads. */
async function multipartSources(request: FastifyRequest, folder: string, limit: number): Promise<(Batch | ImportSource)[]> {
  const sources: (Batch | ImportSource)[] = [];
  const count = budget(limit);
  let entity: string | undefined;
  let n = 0;
  for await (const part of request.parts({ limits: { fileSize: limit } })) {
    if (part.type === 'field') {
      if (part.fieldname === 'entity') entity = typeof part.value === 'string' ? part.value : undefined;
      continue;
    }
    const file = part as MultipartFile;
    const name = safeName(file.filename, `file-${n + 1}`);
    // Each file in a folder of its own: two uploads may share a name.
    const dir = join(folder, String(n++));
    await mkdir(dir);
    const path = join(dir, name);
    let nul = false;
    await pipeline(
      file.file,
      count(),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          nul ||= chunk.includes(0);
          done(null, chunk);
        },
      }),
      createWriteStream(path),
    );
    const kind = extname(name).toLowerCase();
    if (kind === '.json') {
      let incoming: unknown;
      try {
        incoming = JSON.parse(await readFile(path, 'utf8')) as unknown;
      } catch (error) {
        throw new InvalidInputError(name, [problem(name, '', 'notJson', { detail: (error as Error).message })]);
      }
      if (nulAt(incoming)) throw new InvalidInputError(name, [problem(name, '', 'notJson', { detail: NUL })]);
      sources.push({ incoming, source: name });
    } else if (kind === '.csv') {
      if (nul) throw new InvalidInputError(name, [problem(name, '', 'notCsv', { detail: NUL })]);
      const chosen = isEntity(file.fieldname) ? file.fieldname : (entityOfFileName(name) ?? entity);
      if (chosen === undefined) throw new InvalidInputError(name, [problem(name, '', 'noEntity', { file: name })]);
      if (!isEntity(chosen)) {
        throw new InvalidInputError(name, [
          problem('entity', '', 'notEntity', { value: chosen, entities: Object.keys(collections).join(', ') }),
        ]);
      }
      const collection: CollectionName = chosen;
      sources.push({
        source: name,
        async *records() {
          for await (const { record, line } of csvRows(path, collection)) yield { collection, record, line };
        },
      });
    } else {
      throw new InvalidInputError(name, [problem(name, '', 'notDataFile', { file: name })]);
    }
  }
  if (sources.length === 0) throw new HttpProblem(400, 'noFiles');
  return sources;
}

export function importRoutes(app: Api, context: Context): void {
  const { store, settings } = context;

  app.post(
    '/api/v1/imports',
    {
      bodyLimit: settings.maxUploadBytes,
      // Refused before a byte of the body is read.
      onRequest: async (request) => void requireRole(request, 'program-admin'),
      schema: {
        tags: TAGS,
        summary: 'Import a dataset (JSON body) or files (multipart: JSON datasets, CSV files of one entity each): all or nothing',
        description:
          'The same import as `attain import`: every file checked together against the store, nothing written when any record is wrong (422 lists the first 100 problems and their total), records merged by key (importing twice adds nothing). Program-admin only.',
        querystring: importQuery,
        body: {
          content: {
            'application/json': { schema: z.record(z.string(), z.unknown()).describe('a dataset, or any part of one') },
            'multipart/form-data': {
              schema: z
                .unknown()
                .describe(
                  'files: JSON datasets or CSV files; the entity of a CSV file from its field name, its file name or an `entity` field',
                ),
            },
          },
        },
        response: { 200: importReports, ...problemResponses },
      },
    },
    async (request) => {
      const skipInvalid = request.query.skipInvalid === 'true';
      if (!request.isMultipart()) {
        const source = safeName(request.query.source, 'request.json');
        return { reports: as(z.array(importReport), await importFiles(context, [{ incoming: request.body, source }], { skipInvalid })) };
      }
      const folder = await mkdtemp(join(tmpdir(), 'attain-upload-'));
      // The upload limit bounds what a client elsewhere makes the server write; the local administrator (auth.ts) is this
      // machine's own user, sending the files `attain import` would read from disk itself: any size, as from disk.
      const limit = principalOf(request).via === 'local' ? Number.MAX_SAFE_INTEGER : settings.maxUploadBytes;
      try {
        const sources = await multipartSources(request, folder, limit).catch((error: unknown) => {
          // The multipart parser's own errors (a body cut short, a bad boundary) are the client's.
          if (error instanceof Error && !(error instanceof HttpProblem) && !(error instanceof InvalidInputError)) {
            const { statusCode, code } = error as { statusCode?: number; code?: string };
            if (statusCode === undefined && (code === undefined || !code.startsWith('E'))) {
              throw new HttpProblem(400, 'badMultipart', { detail: error.message });
            }
          }
          throw error;
        });
        return { reports: as(z.array(importReport), await importFiles(context, sources, { skipInvalid })) };
      } catch (error) {
        if (error instanceof InvalidInputError) throw relabel(error, folder);
        throw error;
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/v1/imports',
    {
      schema: {
        tags: TAGS,
        summary: 'The import batches, newest first: what each added, updated, left unchanged or rejected',
        querystring: z.strictObject({ ...pageQuery, locale: localeParam }),
        response: { 200: paged(batchSchema), ...problemResponses },
      },
    },
    async (request) => {
      requireRole(request, 'program-admin');
      const { limit, offset } = request.query;
      const batches = (await store.batches()).reverse();
      return { total: batches.length, limit, offset, items: batches.slice(offset, offset + limit) };
    },
  );
}
