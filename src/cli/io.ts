import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, for `--as-of` defaults. */
  readonly now: () => Date;
  /** Whether a person watches standard error (progress bars); absent means no. */
  readonly isTerminal?: boolean;
  /** Standard input, up to its first line's end at least (`--password-stdin`); absent means empty. */
  readonly readStdin?: () => Promise<string>;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
  isTerminal: Boolean(process.stderr.isTTY),
  readStdin: readFirstLine,
};

/** Standard input until its first line ends (a person typing need not press Ctrl-D) or the input does. */
async function readFirstLine(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    text += chunk as string;
    if (text.includes('\n')) break;
  }
  return text;
}

/** Exit codes: 0 done, 1 Attain failed, 2 the input or the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A command's output: to `--out FILE` (its folders created) or to standard output. */
export function writeOutput(io: CliIo, out: string | undefined, text: string): void {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, 'utf8');
}

/** An output written in pieces: whole or not at all in a file, in chunks to standard output. */
export interface Output {
  write(text: string): void;
  /** The output complete: the rest written, a file put in place. */
  close(): void;
  /** The output abandoned: a file's partial text removed, the file as it was. */
  discard(): void;
}

/** Pieces are gathered into chunks of about this many characters before a write. */
const OUTPUT_CHUNK = 1 << 20;

/**
 * `--out FILE` (its folders created) or standard output, for text too large to be one string. A file is written
 * beside its place and renamed into it when complete, so a failure midway leaves no half-written file.
 */
export function openOutput(io: CliIo, out: string | undefined): Output {
  let pending: string[] = [];
  let size = 0;
  let fd: number | undefined;
  let temporary: string | undefined;
  let file: string | undefined;
  if (out !== undefined) {
    file = resolve(out);
    mkdirSync(dirname(file), { recursive: true });
    temporary = `${file}.${process.pid}.partial`;
    fd = openSync(temporary, 'w');
  }
  const flush = () => {
    if (size === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    if (fd === undefined) io.stdout(text);
    else writeSync(fd, text);
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= OUTPUT_CHUNK) flush();
    },
    close() {
      flush();
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      renameSync(temporary!, file!);
      temporary = undefined;
    },
    // Safe after a failed close too: what is still open is closed, what is still beside the file removed.
    discard() {
      pending = [];
      size = 0;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      if (temporary !== undefined) rmSync(temporary, { force: true });
      temporary = undefined;
    },
  };
}
