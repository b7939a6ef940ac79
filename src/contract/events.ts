/** What the server pushes (GET /api/v1/events, server-sent): a change of the data, and what it brought. */
import { z } from 'zod';
import { importReport } from './imports.js';

/** One import batch a change brought: its counts, as GET /api/v1/imports lists them. */
export const importCounts = importReport
  .pick({ batch: true, source: true, added: true, updated: true, unchanged: true, rejected: true })
  .extend({ kind: z.enum(['threshold', 'scoring']).optional().describe('a threshold dataset import, or scoring records (PCI, PCS)') });

export const dataChange = z.object({
  stamp: z.string().describe('the store stamp the server now answers from'),
  batch: z.number().int().describe('the last import batch it reflects'),
  reloaded: z.boolean().describe('every partner was judged again (a program load, or an import that changed many partners)'),
  reason: z.enum(['program', 'many-partners']).optional(),
  partners: z.number().int().optional().describe('program-admin only: partners read again'),
  imports: z.array(importCounts).optional().describe('program-admin only: the import batches the change brought'),
});

export type ImportCounts = z.infer<typeof importCounts>;
export type DataChange = z.infer<typeof dataChange>;
