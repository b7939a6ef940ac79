/** What an import did: per source, records added, updated, unchanged and rejected (with why). */
import { z } from 'zod';

export const mergeCounts = z.object({ added: z.number(), updated: z.number(), unchanged: z.number() });

export const importReport = z.object({
  batch: z.number(),
  source: z.string(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  collections: z.record(z.string(), mergeCounts),
  rejectedRecords: z.array(
    z.object({
      collection: z.string(),
      index: z.number(),
      line: z.number().optional(),
      id: z.string().optional(),
      reasons: z.array(z.string()),
    }),
  ),
});

/** A scoring import (PCI, PCS records): its batch and what it did, in all and per collection of the records. */
export const scoringImportReport = z.object({
  batch: z.number(),
  source: z.string(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  collections: z.record(z.string(), mergeCounts),
});

export type ScoringImportReportBody = z.infer<typeof scoringImportReport>;

/** An upload of several files: one report per file (or JSON body) imported. */
export const importReports = z.object({ reports: z.array(importReport) });

export type ImportReport = z.infer<typeof importReport>;
export type ImportReports = z.infer<typeof importReports>;
