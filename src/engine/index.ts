/**
 * Attain's engine: program model, dataset validation and evaluation. Pure
 * TypeScript, no I/O: give it parsed data, get results back.
 */
export * from './calendar.js';
export * from './money.js';
export * from './rules/ttm-window.js';
export * from './rules/currency-conversion.js';
export { exclusiveOverlaps, exclusiveOverlapsSql, type AssociationSpans } from './rules/exclusive-associations.js';
export { qualifies } from './rules/qualification.js';
export * from './problems.js';
export type { Result } from './result.js';
export * from './program/model.js';
export { LOCALES, programDefinition, localizedText, type ProgramDefinition, type ProgramDefinitionInput } from './program/schema.js';
export { compileProgramVersion } from './program/compile.js';
export { assembleProgram, publicationEndedBy, versionFrom, versionInEffect } from './program/versions.js';
export { programHistory, type HistoryStep, type ProgramHistory } from './program/eras.js';
export * from './dataset/model.js';
export { datasetFile, collections, MAX_ID_LENGTH, type CollectionName, type DatasetFile } from './dataset/schema.js';
export { validateDataset, RowChecker, plainRowCheck } from './dataset/validate.js';
export { prepare, prepareColumns, NEVER, type PreparedData, type PreparedDataset, type PrepareOptions } from './evaluation/prepare.js';
export { columnsOf, IdColumn, IdColumnBuilder, type DatasetColumns, type Ids } from './evaluation/columns.js';
export * from './evaluation/evaluate.js';
export type * from './evaluation/report.js';
export { jsonSchema, JSON_SCHEMAS, type JsonSchemaName } from './json-schemas.js';
export { ColumnsProgram, judgedBy, PreparedProgram, type VersionedData } from './evaluation/prepared-program.js';
export { IncrementalEvaluation, type NewRevenueLine } from './evaluation/incremental.js';
export * from './plan/plan.js';
export type { ExamAssignment, PeoplePlan } from './plan/people.js';
export { qualificationMatrix, type MatrixPerson, type MatrixRequirement, type QualificationMatrix } from './plan/matrix.js';
export { solveCovering, type CoveringProblem, type CoveringSolution } from './plan/covering.js';
export * from './forecast/forecast.js';
export * from './forecast/outlook.js';
export * from './timeline/timeline.js';
export * from './timeline/eras.js';
export { withAssumptions, type Assumptions, type Merged } from './dataset/assumptions.js';
export * from './scoring/index.js';
