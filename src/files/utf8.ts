/**
 * Strict UTF-8: a data file with bytes that are not UTF-8 (Latin-1 text, a
 * truncated sequence) is refused, naming the file, the line and the byte,
 * rather than read with U+FFFD in place of what it held.
 */
import { constants } from 'node:buffer';
import { problem } from '../engine/index.js';
import { invalidInput } from '../i18n/index.js';

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/** The offset of the first byte that does not decode (a prefix up to it does), by bisection over `bytes`. */
function firstInvalidByte(bytes: Uint8Array): number {
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, middle), { stream: true });
      good = middle;
    } catch {
      bad = middle;
    }
  }
  // A prefix ending inside a sequence decodes while streaming: the sequence left open is where the bytes go wrong.
  let start = good;
  while (start > 0 && good - start < 4 && !decodes(bytes.subarray(0, start))) start -= 1;
  return start;
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const newlines = (bytes: Uint8Array): number => bytes.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);

/** The error naming where the bytes stop being UTF-8: `file:line`, and the byte (from 1) in the file. */
export function notUtf8(file: string, bytes: Uint8Array, offset: number, linesBefore: number, bytesBefore: number): Error {
  const at = firstInvalidByte(bytes);
  const line = linesBefore + newlines(bytes.subarray(0, at)) + 1;
  return invalidInput(file, [problem(`${file}:${line}`, '', 'notUtf8', { byte: bytesBefore + offset + at + 1 })]);
}

/**
 * The error for a file too large to hold as one text: a JavaScript string holds at most
 * `buffer.constants.MAX_STRING_LENGTH` characters (about 512 Mi), and a file read whole must fit in one.
 */
export function tooLargeToRead(file: string, bytes: number): Error {
  return invalidInput(file, [problem(file, '', 'fileTooLargeToRead', { bytes, limit: MAX_STRING_LENGTH })]);
}

/** A whole file's bytes as text, or the error naming where they are not UTF-8 (or saying it is too large to hold). */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    // Valid text longer than a string can be is not bad bytes: the search for the first bad byte would name one
    // (after decoding half the file again and again) that is not there.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') throw tooLargeToRead(file, bytes.length);
    throw notUtf8(file, bytes, 0, 0, 0);
  }
}

/** A streaming decoder for one file: each chunk's text, or the error naming where it is not UTF-8. */
export function utf8Stream(file: string): { decode(chunk: Uint8Array): string; end(): string } {
  // The BOM is kept in the text (the CSV parser drops it), so that bytes and characters stay in step.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let lines = 0;
  let bytes = 0;
  // Bytes of a sequence split across chunks, carried so that an error is placed exactly.
  let carried = new Uint8Array(0);
  return {
    decode(chunk) {
      const joined = new Uint8Array(carried.length + chunk.length);
      joined.set(carried);
      joined.set(chunk, carried.length);
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw notUtf8(file, joined, 0, lines, bytes);
      }
      // Whole characters handed on; what is left undecoded is at most the last 3 bytes.
      const pending = joined.length - Buffer.byteLength(text, 'utf8');
      const done = joined.subarray(0, joined.length - pending);
      lines += newlines(done);
      bytes += done.length;
      carried = joined.slice(joined.length - pending);
      return text;
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        throw notUtf8(file, carried, 0, lines, bytes);
      }
    },
  };
}
