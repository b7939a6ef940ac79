/**
 * `attain start`: the dashboard on a fresh clone. The store (./.attain by
 * default) gets the bundled example when it holds no data yet; then the
 * server starts as `attain serve` starts it (the first program-admin
 * created and its password printed once), and the dashboard's address and
 * how to sign in are printed.
 */
import { fileURLToPath } from 'node:url';
import { importData } from '../../app/imports.js';
import { definitionsOnDisk } from '../../files/program-files.js';
import { readJsonFile } from '../../files/dataset-file.js';
import type { Translator } from '../../i18n/index.js';
import { withStore } from '../inputs.js';
import type { CliIo } from '../io.js';
import { runServe, type ServeCommandOptions } from './serve.js';

/** The bundled example, from src/cli/commands or dist/cli/commands alike. */
export const EXAMPLE_DATASET = fileURLToPath(new URL('../../../examples/cloud-business-applications.json', import.meta.url));
/** A date the example's partners have levels on. */
export const EXAMPLE_AS_OF = '2017-11-01';

export async function runStart(options: ServeCommandOptions, io: CliIo, tr: Translator, until?: Promise<string>): Promise<void> {
  const loaded = await withStore(options, io, async (store) => {
    if (!(await store.queries.isEmpty())) return false;
    await importData(store, definitionsOnDisk, {
      files: [{ incoming: readJsonFile(EXAMPLE_DATASET), source: 'examples/cloud-business-applications.json' }],
    });
    return true;
  });
  if (loaded) io.stderr(`${tr.t('web.start.loaded', { file: 'examples/cloud-business-applications.json' })}\n`);
  await runServe(options, io, tr, until, (url, adminCreated) => {
    const dashboard = loaded ? `${url}/?asOf=${EXAMPLE_AS_OF}` : `${url}/`;
    io.stderr(`${tr.t('web.start.open', { url: dashboard })}\n`);
    io.stderr(`${tr.t(adminCreated ? 'web.start.signInNew' : 'web.start.signInExisting')}\n`);
  });
}
