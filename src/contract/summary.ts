/** What the store holds, in brief: the latest date its data reaches (the dashboard opens on it). */
import { z } from 'zod';

export const storeSummary = z.object({
  dataThrough: z
    .string()
    .nullable()
    .describe(
      "the latest date of the store's data (YYYY-MM-DD): its latest revenue line, exam pass or association start, whoever asks; null when there is none",
    ),
});

export type StoreSummary = z.infer<typeof storeSummary>;
