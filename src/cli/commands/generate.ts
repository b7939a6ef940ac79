/** `attain generate`: a synthetic dataset at program scale, deterministic per seed, as CSV files (one per entity). */
import { resolve } from 'node:path';
import { loadProgram } from '../../files/program-files.js';
import { writeCsv } from '../../generate/index.js';
import type { Translator } from '../../i18n/index.js';
import type { CliIo } from '../io.js';

export interface GenerateCommandOptions {
  readonly partners: number;
  readonly seed: number;
  readonly out: string;
  /** The definition whose countries, products and exams the data uses (default: the bundled one). */
  readonly program?: string | undefined;
}

export async function runGenerate(options: GenerateCommandOptions, io: CliIo, tr: Translator): Promise<void> {
  const program = loadProgram(options.program);
  const dir = resolve(options.out);
  const counts = await writeCsv(program, { partners: options.partners, seed: options.seed }, dir);
  io.stdout(
    `${tr.t('cli.generate.done', {
      partners: counts.partners,
      seed: options.seed,
      lines: counts.revenue,
      people: counts.people,
      passes: counts.examPasses,
      dir,
    })}\n`,
  );
}
