/**
 * `attain docs`: the requirement page of a competency, as Markdown or as a
 * standalone HTML page, in the user's language, for the version of the
 * program in force on a date (today by default) or a version named by its date.
 */
import { toHtmlPage } from '../../docs/html.js';
import { renderRequirementsPage } from '../../docs/requirements-page.js';
import { renderScoredPage } from '../../docs/scored-page.js';
import { loadScoredVersions } from './score.js';
import { isScored, scoredFolder } from './scored-options.js';
import { noScoredVersionProblem, problem, scoredVersionOn, type Program, type ProgramVersion } from '../../engine/index.js';
import { loadProgram } from '../../files/program-files.js';
import { translator, type Locale } from '../../i18n/index.js';
import { rulesOf } from '../../app/reports.js';
import { asOfDate, CLI_INPUTS, orExit, programVersionOf } from '../inputs.js';
import { writeOutput, type CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface DocsCommandOptions {
  readonly locale: Locale;
  readonly format: 'md' | 'html';
  /** A competency id; the first competency of the version when absent. */
  readonly competency?: string | undefined;
  /** A file to write (parent folders are created); stdout when absent. */
  readonly out?: string | undefined;
  /** The date whose rules the page states; today when absent. */
  readonly asOf?: string | undefined;
  /** A version, named by the date it takes effect; wins over `asOf`. */
  readonly programVersion?: string | undefined;
  /** A program definition file or folder; the shipped one when absent. */
  readonly program?: string | undefined;
  /** The page of the scored version (PCI, PCS) instead: of the bundled scored definition, or of this folder. */
  readonly scored?: boolean | string | undefined;
}

export function runDocs(options: DocsCommandOptions, io: CliIo): void {
  if (isScored(options.scored)) {
    runScoredDocs(options, io);
    return;
  }
  const program = loadProgram(options.program);
  const version = chooseVersion(program, options, io);
  const competency = chooseCompetency(version, options.competency);
  const tr = translator(options.locale);
  const markdown = renderRequirementsPage(version, competency, tr);
  const output =
    options.format === 'html'
      ? toHtmlPage(markdown, { title: tr.text(version.competencies.find((c) => c.id === competency)!.name), locale: options.locale })
      : markdown;
  writeOutput(io, options.out, output);
}

function chooseVersion(program: Program, options: DocsCommandOptions, io: CliIo): ProgramVersion {
  return orExit(rulesOf(program, { asOf: asOfDate(options.asOf, io), programVersion: programVersionOf(options) }, CLI_INPUTS));
}

function chooseCompetency(version: ProgramVersion, wanted: string | undefined): string {
  const known = version.competencies.map((c) => c.id);
  const id = wanted ?? known[0];
  if (id === undefined) throw new UsageError([problem('--competency', '', 'noCompetency', { version: version.effectiveFrom })]);
  if (!known.includes(id)) {
    throw new UsageError([
      problem('--competency', '', 'notACompetency', { value: id, version: version.effectiveFrom, known: known.join(', ') }),
    ]);
  }
  return id;
}

/** The page of the scored version in force on the date, or named by `--program-version`. */
function runScoredDocs(options: DocsCommandOptions, io: CliIo): void {
  const folder = scoredFolder(options.scored);
  const versions = loadScoredVersions(folder);
  const program = versions[0]?.id ?? '';
  const dates = versions.map((v) => v.effectiveFrom).join(', ');
  const named = programVersionOf(options);
  const asOf = asOfDate(options.asOf, io);
  const version = named === undefined ? scoredVersionOn(versions, asOf) : versions.find((v) => v.effectiveFrom === named);
  if (!version) {
    throw new UsageError([
      named === undefined
        ? noScoredVersionProblem(versions, asOf, '--as-of')
        : problem('--program-version', '', 'notAVersion', { value: named, program, dates }),
    ]);
  }
  const tr = translator(options.locale);
  const markdown = renderScoredPage(version, tr);
  writeOutput(
    io,
    options.out,
    options.format === 'html' ? toHtmlPage(markdown, { title: tr.text(version.name), locale: options.locale }) : markdown,
  );
}
