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
import {
  collections,
  InvalidInputError,
  problem,
  RecordsToRead,
  scoringCollections,
  type CollectionName,
  type Problem,
  type ScoredVersionDefinition,
  type ScoringCollection,
} from '../../engine/index.js';
import { csvRows, entityOfFileName, isEntity } from '../../files/csv-dataset.js';
import { readScoredDefinitions } from '../../files/scored-files.js';
import { openScoringCsvFolder, scoringCollectionOfFile } from '../../files/scoring-csv.js';
import type { ScoringImportOptions } from '../../store/store.js';
import type { Batch, ImportSource } from '../../store/store.js';
import type { Api, Context } from '../context.js';
import { principalOf } from '../auth.js';
import { importFiles, importScoringRecords } from '../importing.js';
import { HttpProblem, nulAt } from '../problems.js';
import { importReport, importReports, paged, scoringImportReport } from '../../contract/index.js';
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
  kind: z
    .enum(['threshold', 'scoring'])
    .describe('a threshold dataset import, or scoring records (PCI, PCS: POST /api/v1/imports/scoring)'),
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

/** The multipart parser's own errors (a body cut short, a bad boundary) are the client's: a 400; anything else is rethrown. */
function asClientError(error: unknown): never {
  if (error instanceof Error && !(error instanceof HttpProblem) && !(error instanceof InvalidInputError)) {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    if (statusCode === undefined && (code === undefined || !code.startsWith('E'))) {
      throw new HttpProblem(400, 'badMultipart', { detail: error.message });
    }
  }
  throw error;
}

/** Streams an uploaded file to `path` within the upload's size budget; says whether it held a NUL byte (no text file does). */
async function saveUpload(file: MultipartFile, count: () => Transform, path: string): Promise<boolean> {
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
  return nul;
}

/** An uploaded JSON file, parsed; a file that is not JSON, or holds a NUL character, is refused naming it. */
async function readJsonUpload(path: string, name: string): Promise<unknown> {
  let incoming: unknown;
  try {
    incoming = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new InvalidInputError(name, [problem(name, '', 'notJson', { detail: (error as Error).message })]);
  }
  if (nulAt(incoming)) throw new InvalidInputError(name, [problem(name, '', 'notJson', { detail: NUL })]);
  return incoming;
}

/**
 * Runs `use` over a multipart upload saved in a temporary folder of its own, removed afterwards whatever happens.
 * The upload limit bounds what a client elsewhere makes the server write; the local administrator (auth.ts) is this
 * machine's own user, sending the files `attain import` would read from disk itself: any size, as from disk. Problems
 * name the files as uploaded, never the temporary folder.
 */
async function withUpload<T>(
  request: FastifyRequest,
  maxUploadBytes: number,
  use: (folder: string, limit: number) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'attain-upload-'));
  const limit = principalOf(request).via === 'local' ? Number.MAX_SAFE_INTEGER : maxUploadBytes;
  try {
    return await use(folder, limit);
  } catch (error) {
    if (error instanceof InvalidInputError) throw relabel(error, folder);
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
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
    const nul = await saveUpload(file, count, path);
    const kind = extname(name).toLowerCase();
    if (kind === '.json') {
      sources.push({ incoming: await readJsonUpload(path, name), source: name });
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

const scoringQuery = z.strictObject({
  source: z.string().min(1).max(200).optional().describe('the name a JSON body is reported under (default: request.json)'),
  locale: localeParam,
});

/** What a scoring upload holds: one records JSON file, or CSV files of one collection each. */
interface ScoringUpload {
  readonly records: unknown;
  readonly source: string;
  readonly options?: ScoringImportOptions;
}

/**
 * The files of a scoring multipart body, saved under `folder`: one records
 * JSON file, or CSV files — each a collection's, named by the part's field
 * name (`billing=@march.csv`) or the file name (`billing.csv`) — read as a
 * folder of them (src/files/scoring-csv.ts).
 */
async function scoringMultipart(request: FastifyRequest, folder: string, limit: number): Promise<ScoringUpload> {
  const count = budget(limit);
  const csvFolder = join(folder, 'csv');
  await mkdir(csvFolder);
  const json: { name: string; incoming: unknown }[] = [];
  const csv = new Map<ScoringCollection, string>();
  let n = 0;
  for await (const part of request.parts({ limits: { fileSize: limit } })) {
    if (part.type === 'field') continue;
    const file = part as MultipartFile;
    const name = safeName(file.filename, `file-${n + 1}`);
    const kind = extname(name).toLowerCase();
    const collection = Object.hasOwn(scoringCollections, file.fieldname)
      ? (file.fieldname as ScoringCollection)
      : scoringCollectionOfFile(name);
    if (kind === '.csv' && collection === undefined)
      throw new InvalidInputError(name, [
        problem(name, '', 'notEntity', { value: name, entities: Object.keys(scoringCollections).join(', ') }),
      ]);
    if (kind === '.csv' && csv.has(collection!))
      throw new InvalidInputError(name, [problem(name, '', 'alreadySet', { field: collection!, file: csv.get(collection!)! })]);
    if (kind !== '.csv' && kind !== '.json') throw new InvalidInputError(name, [problem(name, '', 'notDataFile', { file: name })]);
    const dir = join(folder, String(n++));
    await mkdir(dir);
    const path = kind === '.csv' ? join(csvFolder, `${collection!}.csv`) : join(dir, name);
    const nul = await saveUpload(file, count, path);
    if (kind === '.csv') {
      if (nul) throw new InvalidInputError(name, [problem(name, '', 'notCsv', { detail: NUL })]);
      csv.set(collection!, name);
      continue;
    }
    json.push({ name, incoming: await readJsonUpload(path, name) });
  }
  const inputs = json.length + (csv.size > 0 ? 1 : 0);
  if (inputs === 0) throw new HttpProblem(400, 'noFiles');
  if (inputs > 1) {
    const names = [...json.map((j) => j.name), ...csv.values()].join(', ');
    throw new InvalidInputError(names, [problem(names, '', 'oneScoringInput', { count: json.length + csv.size })]);
  }
  if (json.length === 1) return { records: json[0]!.incoming, source: json[0]!.name };
  const source = [...csv.values()].join(', ');
  // Named by the files as uploaded, not by the folder they were saved in: a problem of the files read now, or of
  // billing, seats and usage, read when the import comes to each (within the upload's life: `withUpload`).
  const named = (error: unknown): unknown =>
    error instanceof InvalidInputError ? new InvalidInputError(source, error.problems, error.total) : error;
  let read: ReturnType<typeof openScoringCsvFolder>;
  try {
    read = openScoringCsvFolder(csvFolder);
  } catch (error) {
    throw named(error);
  }
  const records: Record<string, unknown> = {};
  for (const [collection, value] of Object.entries(read.records)) {
    records[collection] =
      value instanceof RecordsToRead
        ? new RecordsToRead(() => {
            try {
              return value.read();
            } catch (error) {
              throw named(error);
            }
          }, value.release)
        : value;
  }
  return { records, source, options: { label: read.label } };
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
      return withUpload(request, settings.maxUploadBytes, async (folder, limit) => {
        const sources = await multipartSources(request, folder, limit).catch(asClientError);
        return { reports: as(z.array(importReport), await importFiles(context, sources, { skipInvalid })) };
      });
    },
  );

  // The bundled scored definition, read once when first needed.
  let scoredVersions: readonly ScoredVersionDefinition[] | undefined;
  const versions = (): readonly ScoredVersionDefinition[] => {
    if (scoredVersions) return scoredVersions;
    const read = readScoredDefinitions();
    if (!read.ok) throw new InvalidInputError('definitions/microsoft-business-applications', read.problems);
    return (scoredVersions = read.versions);
  };

  app.post(
    '/api/v1/imports/scoring',
    {
      bodyLimit: settings.maxUploadBytes,
      onRequest: async (request) => void requireRole(request, 'program-admin'),
      schema: {
        tags: TAGS,
        summary:
          'Import scoring records (PCI, PCS): a records file as the body, or multipart (one records file, or CSV files of one collection each)',
        description:
          'The same import as `attain import --scored`: the records merged by key into the stored scoring records (same key: update, new key: insert), the merged records checked with the bundled scored definition before anything is written (422 lists the first 100 problems, each naming the source, the record and the field, and their total). A CSV file is named after its collection (`billing.csv`) or sent under it as field name. Program-admin only.',
        querystring: scoringQuery,
        body: {
          content: {
            'application/json': { schema: z.record(z.string(), z.unknown()).describe('scoring records, or any collections of them') },
            'multipart/form-data': {
              schema: z
                .unknown()
                .describe(
                  'one records JSON file, or CSV files of one collection each (the collection from the field name or the file name)',
                ),
            },
          },
        },
        response: { 200: scoringImportReport, ...problemResponses },
      },
    },
    async (request) => {
      if (!request.isMultipart()) {
        const source = safeName(request.query.source, 'request.json');
        return as(scoringImportReport, await importScoringRecords(context, { records: request.body, source, versions: versions() }));
      }
      return withUpload(request, settings.maxUploadBytes, async (folder, limit) => {
        const upload = await scoringMultipart(request, folder, limit).catch(asClientError);
        return as(
          scoringImportReport,
          await importScoringRecords(context, {
            records: upload.records,
            source: upload.source,
            versions: versions(),
            options: upload.options,
          }),
        );
      });
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
