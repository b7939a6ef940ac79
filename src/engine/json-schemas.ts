/**
 * JSON Schemas of the two input formats, generated from the zod schemas that
 * validate them, so the published schemas cannot drift from the code.
 * Cross-record rules (references, duplicates, overlaps) are beyond JSON
 * Schema; the descriptions point to docs/rules.md.
 */
import { z } from 'zod';
import { datasetFile } from './dataset/schema.js';
import { programDefinition } from './program/schema.js';
import { scoringRecordsFile } from './scoring/dataset.js';
import { scoredVersionDefinition } from './scoring/schema.js';

export const JSON_SCHEMAS = {
  dataset: {
    schema: datasetFile,
    id: 'https://attain.dev/schemas/dataset.schema.json',
    title: 'Attain dataset',
    description:
      'Partners, customers, DPOR associations, revenue lines, people, exam passes and fx rates. References, duplicate ids, products, currencies, rates and overlapping associations are checked beyond this schema (docs/rules.md).',
  },
  'program-definition': {
    schema: programDefinition,
    id: 'https://attain.dev/schemas/program-definition.schema.json',
    title: 'Attain program definition',
    description:
      'A partner program: markets, association types, products, exams and competencies with their options, levels and requirements (docs/program-definition.md). A definition folder joins several files of this shape.',
  },
  'scored-program-definition': {
    schema: scoredVersionDefinition,
    id: 'https://attain.dev/schemas/scored-program-definition.schema.json',
    title: 'Attain scored program definition',
    description:
      'One scored version (Partner Contribution Indicators, Partner Capability Score): segmentation, workloads, certifications, paths of metrics with their points, bands and readings (docs/program-definition.md, Scored versions). A folder joins shared files with one file per version.',
  },
  'scoring-records': {
    schema: scoringRecordsFile,
    id: 'https://attain.dev/schemas/scoring-records.schema.json',
    title: 'Attain scoring records',
    description:
      'The records scored metrics read: tenants, subscriptions, billing, seats, usage, instances, associations by month, people, exam passes, certifications held and baselines. References, products, association types and amounts are checked beyond this schema (docs/rules.md, section 15).',
  },
} as const;

export type JsonSchemaName = keyof typeof JSON_SCHEMAS;

export function jsonSchema(name: JsonSchemaName): Record<string, unknown> {
  const { schema, id, title, description } = JSON_SCHEMAS[name];
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { $schema: generated.$schema, $id: id, title, description, ...generated };
}
