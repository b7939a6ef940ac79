/**
 * Small builders for datasets in tests: each scenario states only what it is
 * about, and every helper goes through the same validation the CLI uses.
 */
import {
  asIsoDate,
  evaluate,
  InvalidInputError,
  prepare,
  validateDataset,
  type DatasetFile,
  type EvaluationReport,
  type IsoDate,
  type Problem,
  type Catalog,
  type Program,
  type ProgramVersion,
  versionFrom,
  type RequirementEvaluation,
} from '../../src/engine/index.js';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM_PATH, loadProgram } from '../../src/files/program-files.js';

/** A calendar date from a test's literal (the engine takes only parsed dates); a typo in a test is a thrown error. */
export function day(text: string): IsoDate {
  const date = asIsoDate(text);
  if (date === undefined) throw new RangeError(`"${text}" is not a calendar date`);
  return date;
}

/** The bundled program: both versions. */
export const programHistory: Program = loadProgram();
/** The seed pages' version, in force from 2017-07-07. */
export const program: ProgramVersion = versionFrom(programHistory, day('2017-07-07'))!;
/** The revision in force from 2017-10-13. */
export const revision: ProgramVersion = versionFrom(programHistory, day('2017-10-13'))!;

type Raw = { -readonly [K in keyof DatasetFile]?: NonNullable<DatasetFile[K]>[number][] };

export function partner(id: string, country = 'US') {
  return { id, name: `Partner ${id}`, country };
}

export function customer(id: string, country = 'US') {
  return { id, name: `Customer ${id}`, country };
}

export function dpor(customerId: string, partnerId: string, start: string, end: string | null = null) {
  return { customerId, partnerId, type: 'DPOR', start, end };
}

let lineCounter = 0;
export function line(
  fields: { customerId: string; product: string; date: string; amount: number | string } & Partial<{
    id: string;
    currency: string;
    netNew: boolean;
  }>,
) {
  lineCounter += 1;
  return { id: fields.id ?? `R-${lineCounter}`, currency: 'USD', netNew: true, ...fields };
}

export function person(id: string, partnerId: string) {
  return { id, partnerId, name: `Person ${id}` };
}

export function passes(personId: string, exams: readonly string[], date: string) {
  return exams.map((exam) => ({ personId, exam, date }));
}

/** `count` people of a partner, each with every exam listed, passed on `date`. */
export function certifiedPeople(partnerId: string, prefix: string, count: number, exams: readonly string[], date = '2016-01-01') {
  const people = Array.from({ length: count }, (_, i) => person(`${prefix}-${i + 1}`, partnerId));
  return { people, examPasses: people.flatMap((p) => passes(p.id, exams, date)) };
}

/** The product ids the issue names, Plan 1 and its apps first. */
export const PRODUCTS = [
  'D365-ENTERPRISE-PLAN-1',
  'D365-SALES',
  'D365-CUSTOMER-SERVICE',
  'D365-FIELD-SERVICE',
  'D365-PROJECT-SERVICE-AUTOMATION',
  'D365-ENTERPRISE-PLAN-2',
  'D365-OPERATIONS',
  'AX-2012-ON-PREMISE',
] as const;

export const CE_EXAMS = ['MB2-715', 'MB2-716', 'MB2-717'] as const;
export const OPS_EXAMS = ['MB6-893', 'MB6-892', 'MB6-890', '70-764'] as const;

export function dataset(raw: Raw): DatasetFile {
  return { partners: [], ...raw } as DatasetFile;
}

/** Problems of an invalid dataset, formatted; [] when it is valid. */
export function problemsOf(raw: unknown, against: ProgramVersion = program): Problem[] {
  const result = validateDataset(raw, against);
  return result.ok ? [] : [...result.problems];
}

/** Validates against every version's catalog, like the CLI, and evaluates under one version. */
export function evaluateRaw(
  raw: unknown,
  asOf: string,
  against: ProgramVersion = program,
  catalog: Catalog = programHistory,
): EvaluationReport {
  const result = validateDataset(raw, catalog);
  if (!result.ok) throw new InvalidInputError('test dataset', result.problems);
  return evaluate(prepare(against, result.value), { asOf: day(asOf) });
}

export function optionOf(report: EvaluationReport, partnerId: string, option: string) {
  const partnerEvaluation = report.partners.find((p) => p.partnerId === partnerId);
  if (!partnerEvaluation) throw new Error(`no partner ${partnerId} in report`);
  const found = partnerEvaluation.competencies.flatMap((c) => c.options).find((o) => o.option === option);
  if (!found) throw new Error(`no option ${option} in report`);
  return found;
}

export function levelOf(report: EvaluationReport, partnerId: string, option: string): string | null {
  return optionOf(report, partnerId, option).level;
}

export function requirementOf(
  report: EvaluationReport,
  partnerId: string,
  option: string,
  level: string,
  requirementId: string,
): RequirementEvaluation {
  const found = optionOf(report, partnerId, option)
    .levels.find((l) => l.level === level)
    ?.requirements.find((r) => r.id === requirementId);
  if (!found) throw new Error(`no requirement ${option}/${level}/${requirementId}`);
  return found;
}

export const CE = 'enterprise-customer-engagement';
export const OPS = 'enterprise-operations';

/** A scratch copy of the bundled definition folder, to add or break files in. */
export function copyOfBundledDefinition(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attain-def-'));
  cpSync(DEFAULT_PROGRAM_PATH, dir, { recursive: true });
  return dir;
}

/** The example with extra USD Dynamics 365 for Sales lines of C-ADATUM (P-CONTOSO's customer) in the window. */
export function exampleWithLines(amounts: readonly string[]): Record<string, unknown[]> {
  const base = JSON.parse(readFileSync('examples/cloud-business-applications.json', 'utf8')) as Record<string, unknown[]>;
  const extra = amounts.map((amount, i) => ({
    id: `BIG-${i}`,
    customerId: 'C-ADATUM',
    product: 'D365-SALES',
    date: '2017-05-15',
    amount,
    currency: 'USD',
    netNew: true,
  }));
  return { ...base, revenue: [...base.revenue!, ...extra] };
}
