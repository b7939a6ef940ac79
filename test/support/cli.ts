/** Runs the `attain` command line in-process, capturing what it writes. */
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `now`: the clock `--as-of` defaults read; `env`: the environment (`LANG`, `ATTAIN_DATABASE_URL`…); `stdin`: standard
 * input; `terminal`: whether a person is taken to watch standard error (progress).
 */
export async function runCli(
  args: readonly string[],
  options: { now?: Date; env?: Record<string, string>; stdin?: string; terminal?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const now = options.now ?? new Date(Date.UTC(2017, 6, 7, 12));
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: options.env ?? {},
    now: () => now,
    readStdin: async () => options.stdin ?? '',
    isTerminal: options.terminal ?? false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
