/**
 * The `attain` command line. Parses arguments, runs one command, maps every
 * failure to an exit code: 2 for bad input or usage, 1 for anything else.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { InvalidInputError, JSON_SCHEMAS, problem, type JsonSchemaName } from '../engine/index.js';
import { formatProblem, LOCALES, resolveLocale, translator, type Translator } from '../i18n/index.js';
import { runDocs, type DocsCommandOptions } from './commands/docs.js';
import { runExport, runImport, type ExportCommandOptions, type ImportCommandOptions } from './commands/store.js';
import { FORMATS, runEvaluate, type EvaluateCommandOptions } from './commands/evaluate.js';
import { runForecast, type ForecastCommandOptions } from './commands/forecast.js';
import { runGenerate, type GenerateCommandOptions } from './commands/generate.js';
import { runPlan, type PlanCommandOptions } from './commands/plan.js';
import { runProgramList, runProgramLoad, type ProgramListCommandOptions, type ProgramLoadCommandOptions } from './commands/program.js';
import { runTimeline, type TimelineCommandOptions } from './commands/timeline.js';
import {
  runUsersAdd,
  runUsersList,
  runUsersRemove,
  runUsersRevokeToken,
  runUsersToken,
  runUsersTokens,
  type UsersAddCommandOptions,
  type UsersListCommandOptions,
  type UsersTokenCommandOptions,
  type UsersTokensCommandOptions,
} from './commands/users.js';
import { runSchema } from './commands/schema.js';
import { runScore, type ScoreCommandOptions } from './commands/score.js';
import { runServe, type ServeCommandOptions } from './commands/serve.js';
import { runStart, type StartCommandOptions } from './commands/start.js';
import { MAX_TOKEN_DAYS, ROLES } from '../store/accounts.js';
import type { StoreFlags } from './inputs.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, processIo, type CliIo } from './io.js';
import { StoreLockedError } from '../store/store.js';
import { RemoteInputError, ServerError } from './through-server.js';
import { UsageError } from './usage-error.js';

const SHOWN_PROBLEMS = 100;

const LOCALE_HELP = `language of the output: ${LOCALES.join(', ')} (default: from LC_ALL, LC_MESSAGES or LANG, else en)`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole number from `min` to `max`, for commander's parsing of an option. */
function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function buildProgram(io: CliIo, tr: Translator): Command {
  const program = new Command('attain')
    .description('Decide whether partners meet a partner-program competency, and explain every shortfall.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .option('--locale <locale>', LOCALE_HELP);

  // The locale is read from the arguments before parsing (errors of parsing itself are said in it too); declared here so each command accepts it.
  const localized = (command: Command): Command => command.option('--locale <locale>', LOCALE_HELP);
  const withStoreFlags = (command: Command): Command =>
    command
      .option('--data <dir>', 'the embedded store (PGlite) in this folder (default: ./.attain)')
      .option('--database-url <url>', 'a PostgreSQL server instead (default: ATTAIN_DATABASE_URL)');
  /** `serve` and `start`: where to listen and what to accept, on the store they serve. */
  const withServerFlags = (command: Command): Command =>
    withStoreFlags(command)
      .option('--port <port>', 'port to listen on (0: any free one)', wholeNumber(0, 65535), 3000)
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--max-upload-mb <mb>', 'the largest import upload, in megabytes', wholeNumber(1, 100_000), 50)
      .option(
        '--trust-proxy [addresses]',
        'trust X-Forwarded-* headers from these reverse proxies only: addresses or CIDR ranges, comma-separated, or loopback (the default of the bare flag)',
      );
  const withInputs = (command: Command): Command =>
    withStoreFlags(localized(command))
      .option('--program <path>', 'program definition file or folder (default: the bundled definition)')
      .option('--program-version <date>', 'judge by the version taking effect on this date instead of the one in force')
      .option('--assume <file>', 'what-if: a dataset fragment (extra revenue, associations, people, exam passes) merged in first');

  withInputs(
    program
      .command('evaluate')
      .description("evaluate partners as of a date: each option's level and each requirement's actual, required and shortfall")
      .argument('[dataset]', 'dataset JSON file (default: the store)')
      .option('--as-of <date>', 'evaluation date, YYYY-MM-DD (default: today)')
      .option('--partner <id>', 'only this partner (repeatable)', collect)
      .option('--scored [folder]', 'the dataset holds scoring records: score them under the scored version in force (PCI, PCS)')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table')),
  ).action((dataset: string | undefined, options: EvaluateCommandOptions) => runEvaluate(dataset, options, io, tr));

  withInputs(
    program
      .command('plan')
      .description('what it takes to reach a level: revenue to book, who takes which exams, revenue that counts for nobody')
      .argument('[dataset]', 'dataset JSON file (default: the store)')
      .requiredOption('--partner <id>', 'the partner to plan for')
      .option('--as-of <date>', 'plan from this date, YYYY-MM-DD (default: today)')
      .option(
        '--target <option/level>',
        'a level to reach, e.g. enterprise-operations/gold (repeatable; default: the next level of each option); with --scored: band (the next band, the default), qualification (the first band) or a band id',
        collect,
      )
      .option('--scored [folder]', 'the dataset holds scoring records: the cheapest way to the next band under the scored rules (PCI, PCS)')
      .option('--month <YYYY-MM>', 'with --scored: the evaluation month M to plan from')
      .option('--path <id>', 'with --scored: only this path (default: every path)')
      .option(
        '--unit-of-cost <name=amount>',
        'with --scored: how much of a unit (usd, people, customers, pairs, deployments, active-users, consumption) or of a metric (its id) counts as one unit of cost (repeatable)',
        collect,
      )
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action((dataset: string | undefined, options: PlanCommandOptions) => runPlan(dataset, options, io, tr));

  withInputs(
    program
      .command('forecast')
      .description('when each attained level lapses if no new revenue arrives, and when the next would be reached at the current rate')
      .argument('[dataset]', 'dataset JSON file (default: the store)')
      .requiredOption('--partner <id>', 'the partner to forecast')
      .option('--as-of <date>', 'forecast from this date, YYYY-MM-DD (default: today)')
      .option(
        '--scored [folder]',
        'the dataset holds scoring records: per month ahead the points, band and status under the scored rules (PCI, PCS)',
      )
      .option('--month <YYYY-MM>', 'with --scored: the evaluation month M to forecast from')
      .option('--months <n>', 'with --scored: how many months ahead (default 12)', wholeNumber(1, 60))
      .option('--enrolled <date>', 'with --scored: the day the partner enrolled in the designation, YYYY-MM-DD')
      .option('--anniversary <date>', 'with --enrolled: the first anniversary, when shared with an earlier designation')
      .option('--legacy', 'with --scored: the partner held a legacy Gold or Silver competency (enrolled on its first qualifying day)')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action((dataset: string | undefined, options: ForecastCommandOptions) => runForecast(dataset, options, io, tr));

  withInputs(
    program
      .command('timeline')
      .description("a partner's levels, TTM revenue and qualifying people at every step between two dates")
      .argument('[dataset]', 'dataset JSON file (default: the store)')
      .requiredOption('--partner <id>', 'the partner')
      .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last date, YYYY-MM-DD')
      .addOption(new Option('--step <step>', 'interval between dates').choices(['month', 'week']).default('month'))
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
      .option(
        '--scored [folder]',
        'the dataset holds scoring records: one timeline across eras (threshold versions, PCI, PCS, and the gaps between)',
      )
      .option('--threshold-dataset <file>', "with --scored: the threshold dataset whose levels the threshold era's dates show")
      .option('--enrolled <date>', 'with --scored: the day the partner enrolled in the designation, YYYY-MM-DD')
      .option('--anniversary <date>', 'with --enrolled: the first anniversary, when shared with an earlier designation')
      .option('--legacy', 'with --scored: the partner held a legacy Gold or Silver competency (enrolled on its first qualifying day)'),
  ).action((dataset: string | undefined, options: TimelineCommandOptions) => runTimeline(dataset, options, io, tr));

  withStoreFlags(
    localized(
      program
        .command('score')
        .description(
          "a partner's points under the scored rules in force in a month (Partner Contribution Indicators, Partner Capability Score)",
        )
        .argument(
          '[records]',
          'scoring records JSON file (tenants, subscriptions, billing, usage, associations, people…; default: the store)',
        )
        .requiredOption('--partner <id>', 'the partner to score')
        .requiredOption('--month <month>', 'the evaluation month M, YYYY-MM: the latest month whose data counts')
        .option('--scored-program <path>', 'scored program definition folder (default: the bundled one)')
        .option('--program-version <date>', 'score by the version taking effect on this date instead of the one in force')
        .option('--outlook <months>', 'score the months ahead with nothing new, and say when the band is lost', wholeNumber(1, 60))
        .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
    ),
  ).action((records: string | undefined, options: ScoreCommandOptions) => runScore(records, options, io, tr));

  localized(
    program
      .command('docs')
      .description("render a competency's requirement page from the program definition, in a language")
      .addOption(new Option('--format <format>', 'Markdown or a standalone HTML page').choices(['md', 'html']).default('md'))
      .option('--competency <id>', 'the competency (default: the first of the program)')
      .option('--out <file>', 'write to this file instead of standard output')
      .option('--as-of <date>', 'state the rules in force on this date (default: today)')
      .option('--program-version <date>', 'state the rules of the version taking effect on this date')
      .option('--program <path>', 'program definition file or folder (default: the bundled definition)')
      .option(
        '--scored [folder]',
        'the page of the scored version (PCI, PCS) instead: of the bundled scored definition, or of this folder',
      ),
  ).action((options: Omit<DocsCommandOptions, 'locale'>) => runDocs({ ...options, locale: tr.locale }, io));

  withStoreFlags(
    localized(
      program
        .command('import')
        .description('load datasets (JSON) and entity files (CSV) into the store, all or nothing; re-importing updates by id')
        .argument('[files...]', 'JSON datasets or fragments, CSV files (one per entity), or folders of them'),
    )
      .option(
        '--scored [folder]',
        'scoring records (PCI, PCS) instead: one records JSON file or folder of CSV files (billing.csv…), checked with the bundled scored definition or this folder',
      )
      .option('--program <path>', 'program definition file or folder (default: the bundled definition)')
      .option(
        '--entity <entity>',
        'the entity of CSV files whose name does not say it (partners, customers, associations, revenue, people, examPasses, fxRates)',
      )
      .option('--skip-invalid', 'import the good records; write the rejected ones, with their reasons, next to each input')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action((files: string[], options: ImportCommandOptions) => runImport(files, options, io, tr));

  withStoreFlags(
    localized(
      program
        .command('export')
        .description('write the store back as a dataset JSON file')
        .option('--out <file>', 'write to this file instead of standard output')
        .option('--scored', 'the scoring records (PCI, PCS) instead, as a records file attain score reads'),
    ),
  ).action((options: ExportCommandOptions) => runExport(options, io));

  const definitions = program.command('program').description('the program definitions the store keeps, version by version');
  withStoreFlags(
    localized(
      definitions
        .command('load')
        .description('store a program definition in the store, every version: new ones added, changed ones updated')
        .option('--program <path>', 'program definition file or folder (default: the bundled definition)')
        .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
    ),
  ).action((options: ProgramLoadCommandOptions) => runProgramLoad(options, io, tr));
  withStoreFlags(
    localized(
      definitions
        .command('list')
        .description('list the program versions the store keeps: program, effective date, source, when loaded')
        .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
    ),
  ).action((options: ProgramListCommandOptions) => runProgramList(options, io, tr));

  const users = program
    .command('users')
    .description('the accounts of the server: program administrators, partner administrators and viewers');
  withStoreFlags(
    localized(
      users
        .command('add')
        .description('add an account; its password is generated and printed once, or read from standard input')
        .argument('<username>', 'the user name')
        .requiredOption('--role <role>', `the role: ${ROLES.join(', ')}`)
        .option('--partner <id>', 'the partner a partner-admin or partner-viewer belongs to (a partner of the store)')
        .option('--password-stdin', 'read the password from the first line of standard input instead of generating one'),
    ),
  ).action((username: string, options: UsersAddCommandOptions) => runUsersAdd(username, options, io, tr));
  withStoreFlags(
    localized(
      users
        .command('list')
        .description('list the accounts: user name, role, partner, when created')
        .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
    ),
  ).action((options: UsersListCommandOptions) => runUsersList(options, io, tr));
  withStoreFlags(
    localized(
      users.command('remove').description('remove an account, with its sessions and API tokens').argument('<username>', 'the user name'),
    ),
  ).action((username: string, options: StoreFlags) => runUsersRemove(username, options, io, tr));
  withStoreFlags(
    localized(
      users
        .command('token')
        .description('create an API token for an account, printed once: send it as Authorization: Bearer <token>')
        .argument('<username>', 'the user name')
        .option('--name <name>', 'what the token is for, to tell tokens apart', 'cli')
        .option('--expires-days <days>', 'days until the token stops working (default 90)', wholeNumber(1, MAX_TOKEN_DAYS)),
    ),
  ).action((username: string, options: UsersTokenCommandOptions) => runUsersToken(username, options, io, tr));
  withStoreFlags(
    localized(
      users
        .command('tokens')
        .description("list an account's API tokens: id, name, when made, when they expire, last used (never the secrets)")
        .argument('<username>', 'the user name')
        .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
    ),
  ).action((username: string, options: UsersTokensCommandOptions) => runUsersTokens(username, options, io, tr));
  withStoreFlags(
    localized(
      users
        .command('revoke-token')
        .description('revoke an API token of an account: it stops working at once')
        .argument('<username>', 'the user name')
        .argument('<id>', 'the id of the token, as attain users tokens lists it'),
    ),
  ).action((username: string, id: string, options: StoreFlags) => runUsersRevokeToken(username, id, options, io, tr));

  withServerFlags(
    localized(
      program.command('serve').description('serve the HTTP API over the store (creating the first program-admin when there is none)'),
    ),
  ).action((options: ServeCommandOptions) => runServe(options, io, tr));

  withServerFlags(
    localized(
      program
        .command('start')
        .description('the dashboard: load the bundled example into an empty store, then serve (as `serve`) and print where to sign in')
        .option(
          '--demo [partners]',
          'a generated program of this many partners (default 3000) instead of the example, in its own store (./.attain-demo unless --data)',
          wholeNumber(1, 200_000),
        ),
    ),
  ).action((options: StartCommandOptions) => runStart(options, io, tr));

  localized(
    program
      .command('generate')
      .description('write a synthetic dataset at program scale as CSV files (one per entity), the same for the same seed')
      .option(
        '--partners <n>',
        'how many partners (about 50 revenue lines, 10 people and 40 exam passes each on average)',
        wholeNumber(1, 10_000_000),
        10_000,
      )
      .option('--seed <n>', 'the seed of the pseudo-random generator', wholeNumber(0, 2 ** 32 - 1), 1)
      .requiredOption(
        '--out <path>',
        'the folder to write the CSV files to (created if missing); with --scored, the JSON records file (or, with --format csv, the folder)',
      )
      .option(
        '--program <path>',
        'program definition file or folder whose countries, products and exams to use (default: the bundled definition)',
      )
      .option(
        '--scored [folder]',
        'a scoring records file (PCI, PCS) for the scored version in force in --month instead: of the bundled scored definition, or of this folder',
      )
      .option('--month <YYYY-MM>', 'with --scored: the evaluation month the records lead up to (28 months of history through it)')
      .addOption(
        new Option(
          '--format <format>',
          'with --scored: one JSON records file, or a folder of CSV files (one per collection, as attain import --scored reads)',
        ).choices(['json', 'csv']),
      ),
  ).action((options: Omit<GenerateCommandOptions, 'locale'>) => runGenerate(options, io, tr));

  localized(program.command('schema'))
    .description('print the JSON Schema of an input format')
    .addArgument(new Argument('<name>', 'which schema').choices(Object.keys(JSON_SCHEMAS)))
    .action((name: JsonSchemaName) => {
      runSchema(name, io);
    });

  return program;
}

/** `--locale X` or `--locale=X` among the arguments, before commander has parsed them. */
function localeArgument(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((a) => a === '--locale' || a.startsWith('--locale='));
  if (at < 0) return undefined;
  const arg = argv[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let tr: Translator;
  try {
    tr = translator(resolveLocale(localeArgument(argv), io.env));
  } catch {
    const value = localeArgument(argv) ?? '';
    io.stderr(`attain: ${formatProblem(problem('--locale', '', 'notALocale', { value, locales: LOCALES.join(', ') }))}\n`);
    return EXIT_BAD_INPUT;
  }
  const program = buildProgram(io, tr);
  let running = '';
  program.hook('preAction', (_program, command) => {
    // `program load`: a subcommand is named with its parent.
    running = command.parent && command.parent !== program ? `${command.parent.name()} ${command.name()}` : command.name();
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; commander has already printed them (in English: its own texts).
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof InvalidInputError || error instanceof RemoteInputError) {
      const key =
        running === 'import'
          ? 'cli.error.invalidImport'
          : running === 'program load'
            ? 'cli.error.invalidProgram'
            : 'cli.error.invalidInput';
      io.stderr(`attain: ${tr.t(key, { source: error.source, count: error.total })}\n`);
      // The first hundred say what is wrong; the rest are counted. Through the server, they come worded in this language.
      const shown =
        error instanceof RemoteInputError
          ? error.lines.slice(0, SHOWN_PROBLEMS)
          : error.problems.slice(0, SHOWN_PROBLEMS).map((p) => formatProblem(p, tr));
      for (const line of shown) io.stderr(`${line}\n`);
      if (error.total > shown.length) io.stderr(`${tr.t('cli.error.more', { count: error.total - shown.length })}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof StoreLockedError) {
      // Another process owns the embedded store: who, and what to do. Not a failure of Attain: no stack.
      io.stderr(`attain: ${error.words(tr)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof ServerError) {
      io.stderr(`attain: ${tr.t(error.key, error.values)}\n`);
      for (const line of error.lines) io.stderr(`${line}\n`);
      return error.exitCode === 1 ? EXIT_FAILURE : EXIT_BAD_INPUT;
    }
    if (error instanceof UsageError) {
      for (const p of error.problems) io.stderr(`attain: ${formatProblem(p, tr)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(
      `attain: ${tr.t('cli.error.internal', { detail: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`,
    );
    return EXIT_FAILURE;
  }
}
