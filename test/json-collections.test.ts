/**
 * Writing large JSON in pieces: `collectionsJsonWriter` gives exactly the text `JSON.stringify(object, null, 2)`
 * gives an object of whole members and collections (any values, any keys, empty collections left out unless
 * opened), and `openOutput` puts a file in place only when it is complete.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openOutput, type CliIo } from '../src/cli/io.js';
import { collectionsJsonWriter } from '../src/render/json-collections.js';

function written(object: Record<string, readonly unknown[]>): string {
  let text = '';
  const json = collectionsJsonWriter((piece) => (text += piece));
  for (const [collection, items] of Object.entries(object)) for (const item of items) json.item(collection, item);
  json.end();
  return text;
}

describe('collectionsJsonWriter', () => {
  it('writes what JSON.stringify(object, null, 2) writes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.array(fc.jsonValue(), { minLength: 1, maxLength: 4 })), (object) => {
        expect(written(object)).toBe(`${JSON.stringify(object, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('writes whole members before collections, opened empty collections as [], as JSON.stringify does', () => {
    // Written in the order given; an object of the same members puts index-like keys first, so they are left out.
    const key = fc.string().filter((k) => k !== '__proto__' && !/^(0|[1-9]\d*)$/.test(k));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, fc.option(fc.jsonValue(), { nil: undefined })), { selector: ([k]) => k, maxLength: 3 }),
        fc.uniqueArray(fc.tuple(key, fc.array(fc.jsonValue(), { maxLength: 3 })), { selector: ([k]) => k, maxLength: 3 }),
        (members, collections) => {
          const names = new Set(members.map(([k]) => k));
          const arrays = collections.filter(([k]) => !names.has(k));
          let text = '';
          const json = collectionsJsonWriter((piece) => (text += piece));
          for (const [name, value] of members) json.member(name, value);
          for (const [name, items] of arrays) {
            json.array(name);
            for (const item of items) json.item(name, item);
          }
          json.end();
          const object = Object.fromEntries([...members, ...arrays]);
          expect(text).toBe(`${JSON.stringify(object, null, 2)}\n`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes {} for no collection, and strings holding newlines and quotes as JSON does', () => {
    expect(written({})).toBe('{}\n');
    const object = { 'a\nb': [{ text: 'line\nnext "quoted"\u2028', n: -0, nested: { deep: [1, [2, {}], []] } }, null, 'x'] };
    expect(written(object)).toBe(`${JSON.stringify(object, null, 2)}\n`);
  });
});

describe('openOutput', () => {
  const io = (out: string[]): CliIo => ({ stdout: (t) => out.push(t), stderr: () => {}, env: {}, now: () => new Date() });

  it('puts a file in place only when complete, and leaves the file it replaces as it was when abandoned', () => {
    const folder = mkdtempSync(join(tmpdir(), 'attain-output-'));
    const file = join(folder, 'deeper', 'records.json');
    const first = openOutput(io([]), file);
    first.write('a'.repeat(3 << 20));
    expect(existsSync(file)).toBe(false);
    first.write('b');
    first.close();
    expect(readFileSync(file, 'utf8')).toBe(`${'a'.repeat(3 << 20)}b`);

    writeFileSync(file, 'before');
    const second = openOutput(io([]), file);
    second.write('c'.repeat(2 << 20));
    second.discard();
    expect(readFileSync(file, 'utf8')).toBe('before');
    expect(readdirSync(join(folder, 'deeper'))).toEqual(['records.json']);

    // A file that cannot be put in place (a folder stands there): the close fails, the discard after it leaves nothing.
    const blocked = join(folder, 'blocked');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    const third = openOutput(io([]), blocked);
    third.write('d');
    expect(() => third.close()).toThrow();
    third.discard();
    expect(readdirSync(folder).sort()).toEqual(['blocked', 'deeper']);
  });

  it('writes standard output in chunks, the whole text in order', () => {
    const out: string[] = [];
    const output = openOutput(io(out), undefined);
    for (let i = 0; i < 5000; i++) output.write(`${i}:${'x'.repeat(500)}\n`);
    output.close();
    expect(out.length).toBeGreaterThan(1);
    expect(out.join('')).toBe(Array.from({ length: 5000 }, (_, i) => `${i}:${'x'.repeat(500)}\n`).join(''));
  });
});
