/**
 * `attain start`: the dashboard on a fresh clone. The store (./.attain by
 * default) gets the bundled example when it holds no data yet; then the
 * server starts as `attain serve` starts it (the first program-admin
 * created and its password printed once), and the dashboard's address and
 * how to sign in are printed.
 *
 * `attain start --demo [partners]`: a generated program instead (src/generate,
 * 3,000 partners unless told, the same for the same seed), in a store of its
 * own (./.attain-demo unless --data or --database-url), so that the
 * overview's filters, counts and at-risk list have something to show; the
 * example's store is left as it is.
 */
import { fileURLToPath } from 'node:url';
import { importData } from '../../app/imports.js';
import { definitionsOnDisk } from '../../files/program-files.js';
import { readJsonFile } from '../../files/dataset-file.js';
import { generateDataset } from '../../generate/index.js';
import type { Translator } from '../../i18n/index.js';
import { withStore } from '../inputs.js';
import type { CliIo } from '../io.js';
import { runServe, type ServeCommandOptions } from './serve.js';

/** The bundled example, from src/cli/commands or dist/cli/commands alike. */
export const EXAMPLE_DATASET = fileURLToPath(new URL('../../../examples/cloud-business-applications.json', import.meta.url));
/** A date the example's partners have levels on. */
export const EXAMPLE_AS_OF = '2017-11-01';

/** The demo's store, apart from the example's. */
export const DEMO_DATA = '.attain-demo';
export const DEMO_PARTNERS = 3000;

export interface StartCommandOptions extends ServeCommandOptions {
  /** A generated program instead of the example: true (the default size) or a number of partners. */
  readonly demo?: number | true | undefined;
}

export async function runStart(options: StartCommandOptions, io: CliIo, tr: Translator, until?: Promise<string>): Promise<void> {
  const demo = options.demo === undefined ? undefined : options.demo === true ? DEMO_PARTNERS : options.demo;
  const storeOptions: StartCommandOptions =
    demo !== undefined && options.data === undefined && options.databaseUrl === undefined && !process.env.ATTAIN_DATABASE_URL
      ? { ...options, data: DEMO_DATA }
      : options;
  let partnerHint = 'P-NORTHWIND';
  const loaded = await withStore(storeOptions, io, async (store) => {
    if (!(await store.queries.isEmpty())) return false;
    if (demo !== undefined) {
      const { program } = definitionsOnDisk.read();
      io.stderr(`${tr.t('web.start.generating', { partners: demo })}\n`);
      const generated = generateDataset(program, { partners: demo, seed: 1 });
      // The banner's command must reach this store: the demo's own folder, when it chose it.
      partnerHint = `${String(generated.partners[0]?.id ?? partnerHint)}${storeOptions === options ? '' : ` --data ${DEMO_DATA}`}`;
      await importData(store, definitionsOnDisk, { files: [{ incoming: generated, source: `demo (${demo} partners, seed 1)` }] });
      return true;
    }
    await importData(store, definitionsOnDisk, {
      files: [{ incoming: readJsonFile(EXAMPLE_DATASET), source: 'examples/cloud-business-applications.json' }],
    });
    return true;
  });
  if (loaded && demo !== undefined) io.stderr(`${tr.t('web.start.loadedDemo', { partners: demo })}\n`);
  else if (loaded) io.stderr(`${tr.t('web.start.loaded', { file: 'examples/cloud-business-applications.json' })}\n`);
  await runServe(storeOptions, io, tr, until, (url, adminCreated) => {
    // The dashboard opens on the latest date of the data by itself; the example's date is where its partners have levels.
    const dashboard = loaded && demo === undefined ? `${url}/?asOf=${EXAMPLE_AS_OF}` : `${url}/`;
    io.stderr(`${tr.t('web.start.open', { url: dashboard })}\n`);
    io.stderr(`${adminCreated ? tr.t('web.start.signInNew', { partner: partnerHint }) : tr.t('web.start.signInExisting')}\n`);
  });
}
