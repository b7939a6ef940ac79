/** JSON written partner by partner is the very text JSON.stringify would give for the whole report. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asJson, writeJson } from '../src/cli/inputs.js';

describe('writeJson', () => {
  it('writes what asJson returns, with or without assumptions, for any items', () => {
    const item = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.record({ asOf: fc.string(), partners: fc.array(item, { maxLength: 5 }), more: fc.jsonValue({ maxDepth: 2 }) }),
        fc.option(fc.record({ source: fc.string(), records: fc.dictionary(fc.string(), fc.nat()) })),
        (value, assumptions) => {
          const inputs = { assumptions: assumptions ?? undefined };
          let written = '';
          writeJson({ stdout: (text) => (written += text) }, inputs, value, 'partners');
          expect(written).toBe(asJson(inputs, value));
        },
      ),
    );
  });
});
