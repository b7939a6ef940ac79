import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loneSurrogateAt } from './text.js';

/** The first lone surrogate by a plain walk over the code units: what the fast answer must equal. */
function firstLone(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

describe('lone surrogates', () => {
  it('are found where they are, and only they', () => {
    expect(loneSurrogateAt('Contoso 無法 😀')).toBe(-1);
    expect(loneSurrogateAt('')).toBe(-1);
    expect(loneSurrogateAt('ab\uD83D')).toBe(2); // a high one at the end
    expect(loneSurrogateAt('\uDE00ab')).toBe(0); // a low one at the start
    expect(loneSurrogateAt('😀\uDE00')).toBe(2); // a low one after a pair
    expect(loneSurrogateAt('\uD83D\uD83D\uDE00')).toBe(0); // a high one before a pair
  });

  it('agree with a walk over the code units on text drawn around the surrogates', () => {
    const unit = fc.oneof(fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00), fc.integer({ min: 0x20, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = String.fromCharCode(...units);
        expect(loneSurrogateAt(text)).toBe(firstLone(text));
      }),
      { numRuns: 3000 },
    );
  });
});
