/**
 * What every route answers when it cannot answer what was asked: RFC 9457
 * problem details, worded in the request's language.
 */
import { z } from 'zod';

/** One thing wrong with the input: where (the record or the part of the request, and the field), what (a code), in words. */
export const problemItem = z.object({ record: z.string(), field: z.string(), code: z.string(), message: z.string() });

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    code: z
      .string()
      .optional()
      .describe(
        'what went wrong, for programs: the same code for the same refusal in every language (e.g. user.usernameTaken, noUser, noToken)',
      ),
    source: z.string().optional().describe('the input the problems are about (an import: its files, comma-separated)'),
    errors: z.array(problemItem).optional().describe('what is wrong with the input, first 100'),
    total: z.number().int().optional().describe('how many problems in all'),
  })
  .describe('RFC 9457 problem details');

export type ProblemItem = z.infer<typeof problemItem>;
export type ProblemDetails = z.infer<typeof problemSchema>;
