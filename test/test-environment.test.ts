/**
 * The suite's own prerequisites (scripts/test-environment.js): a named
 * browser or server that is not there is a failure naming it, never a
 * fallback to something else.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answers, choosePostgres, findChromium, MissingPrerequisite } from '../scripts/test-environment.js';
import { SERVER } from './support/stores.js';

describe('the browser of the browser tests', () => {
  it('is the one ATTAIN_CHROMIUM names when it is executable', () => {
    const browser = join(mkdtempSync(join(tmpdir(), 'attain-browser-')), 'chrome');
    writeFileSync(browser, '#!/bin/sh\n');
    chmodSync(browser, 0o755);
    expect(findChromium({ ATTAIN_CHROMIUM: browser })).toBe(browser);
  });

  it('fails, naming the variable, when ATTAIN_CHROMIUM names no executable', () => {
    const missing = join(tmpdir(), 'attain-no-such-browser');
    expect(() => findChromium({ ATTAIN_CHROMIUM: missing })).toThrow(MissingPrerequisite);
    expect(() => findChromium({ ATTAIN_CHROMIUM: missing })).toThrow(`ATTAIN_CHROMIUM=${missing} is not an executable file`);
  });
});

describe('the PostgreSQL of the store tests', () => {
  it('is the server this run chose, and it answers', async () => {
    expect(await answers(SERVER)).toBe(true);
  });

  it('is the named server when ATTAIN_TEST_DATABASE_URL names one that answers', async () => {
    expect(await choosePostgres({ ATTAIN_TEST_DATABASE_URL: SERVER })).toBe(SERVER);
  });

  it('fails, naming the variable, when the named server does not answer (no fallback to another)', async () => {
    const nowhere = 'postgres://postgres@127.0.0.1:1/test';
    await expect(choosePostgres({ ATTAIN_TEST_DATABASE_URL: nowhere })).rejects.toThrow(
      `ATTAIN_TEST_DATABASE_URL=${nowhere} does not answer`,
    );
  });
});
