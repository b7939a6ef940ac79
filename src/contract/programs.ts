/** The program's definitions as the API lists them, version by version. */
import { z } from 'zod';
import type { LocalizedText, ProgramDefinitionInput } from '../engine/program/schema.js';

export const programVersionSummary = z.object({
  effectiveFrom: z.string(),
  source: z.string(),
  loadedAt: z.string().nullable().describe('when the store loaded it; null for the bundled definition of a store that keeps none'),
});

export const programList = z.object({
  stored: z.boolean().describe('false: the store keeps no definition yet; these are the bundled one its data is judged by'),
  programs: z.array(z.object({ id: z.string(), versions: z.array(programVersionSummary) })),
});

/**
 * The definition goes out as any object: it is the document as it was
 * loaded, checked by the engine's program schema then, and not encoded
 * through a response schema of its own.
 */
export const programVersionDocument = z.object({
  programId: z.string(),
  effectiveFrom: z.string(),
  definition: z.record(z.string(), z.unknown()),
});

export type ProgramList = z.infer<typeof programList>;
/** One version's definition, as a program manager writes it: the engine's input type is its only description. */
export type ProgramDefinitionDocument = ProgramDefinitionInput;
export type ProgramVersionDocument = Omit<z.infer<typeof programVersionDocument>, 'definition'> & {
  readonly definition: ProgramDefinitionDocument;
};
export type { LocalizedText };
