/** The CLI as a shell runs it: a reader that closes the pipe early (`attain evaluate … | head -1`) ends it quietly. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'attain.js');
const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'cloud-business-applications.json');

/** Runs the CLI, reads the first chunk of its output, then closes the pipe as `head` does. */
function firstChunkThenClose(args: readonly string[]): Promise<{ first: string; stderr: string; code: number | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ first, stderr, code }));
  });
}

describe('attain writing into a pipe closed early', () => {
  it('stops without an error when the reader has gone', async () => {
    // Long enough output that the first chunk cannot hold it all: the JSON report with every piece of evidence.
    const { first, stderr, code } = await firstChunkThenClose(['evaluate', EXAMPLE, '--as-of', '2017-11-01', '--format', 'json']);
    expect(first.length).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 30_000);
});
