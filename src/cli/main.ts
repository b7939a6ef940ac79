/**
 * The `attain` command line. Parses arguments, runs one command, maps every
 * failure to an exit code: 2 for bad input or usage, 1 for anything else.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { formatProblem, InvalidInputError } from '../engine/index.js';
import { FORMATS, runEvaluate } from './commands/evaluate.js';
import { runSchema } from './commands/schema.js';
import { JSON_SCHEMAS, type JsonSchemaName } from '../engine/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, processIo, type CliIo } from './io.js';
import { UsageError } from './usage-error.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function buildProgram(io: CliIo): Command {
  const program = new Command('attain')
    .description('Decide whether partners meet a partner-program competency, and explain every shortfall.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command('evaluate')
    .description("evaluate partners as of a date: each option's level and each requirement's actual, required and shortfall")
    .argument('<dataset>', 'dataset JSON file (see schemas/dataset.schema.json)')
    .option('--as-of <date>', 'evaluation date, YYYY-MM-DD (default: today)')
    .option('--partner <id>', 'only this partner (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--program <path>', 'program definition file or folder (default: the bundled definition)')
    .option('--program-version <date>', 'judge by the version taking effect on this date instead of the one in force on the as-of date')
    .action(
      (dataset: string, options: { asOf?: string; partner?: string[]; format: string; program?: string; programVersion?: string }) => {
        runEvaluate(dataset, options, io);
      },
    );

  program
    .command('schema')
    .description('print the JSON Schema of an input format')
    .addArgument(new Argument('<name>', 'which schema').choices(Object.keys(JSON_SCHEMAS)))
    .action((name: JsonSchemaName) => {
      runSchema(name, io);
    });

  return program;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; commander has already printed them.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof InvalidInputError) {
      io.stderr(
        `attain: ${error.source}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; nothing was evaluated\n`,
      );
      for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof UsageError) {
      for (const problem of error.problems) io.stderr(`attain: ${formatProblem(problem)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`attain: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
