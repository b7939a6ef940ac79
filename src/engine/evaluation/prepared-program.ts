/**
 * One dataset under every version of a program: each version's index is
 * built the first time a date under it is evaluated, then reused. Timelines
 * and forecasts that cross a version switch need both.
 */
import type { IsoDate } from '../calendar.js';
import type { Dataset } from '../dataset/model.js';
import type { Program, ProgramVersion } from '../program/model.js';
import { versionInEffect } from '../program/versions.js';
import { columnsOf, type DatasetColumns } from './columns.js';
import { prepareColumns, type PreparedDataset } from './prepare.js';

export class PreparedProgram {
  private readonly byVersion = new Map<IsoDate, PreparedDataset>();
  private columns: DatasetColumns | undefined;
  private readonly partners: ReadonlyMap<string, number>;

  /** `forced`: judge every date by this version instead of the one in force (`--program-version`). */
  constructor(
    readonly program: Program,
    readonly dataset: Dataset,
    readonly forced?: ProgramVersion,
  ) {
    this.partners = new Map(dataset.partners.map((p, i) => [p.id, i] as const));
  }

  /** The prepared data of the version judging this date; undefined before the first version. */
  on(date: IsoDate): PreparedDataset | undefined {
    const version = this.forced ?? versionInEffect(this.program, date);
    return version ? this.of(version) : undefined;
  }

  of(version: ProgramVersion): PreparedDataset {
    let prepared = this.byVersion.get(version.effectiveFrom);
    if (!prepared) {
      // The dataset becomes columns once, whatever the number of versions.
      this.columns ??= columnsOf(this.dataset);
      prepared = { ...prepareColumns(version, this.columns), dataset: this.dataset };
      this.byVersion.set(version.effectiveFrom, prepared);
    }
    return prepared;
  }

  /** Effective dates of versions after `date`, when rules change by themselves (none when a version is forced). */
  switchesAfter(date: IsoDate): IsoDate[] {
    return this.forced ? [] : this.program.versions.map((v) => v.effectiveFrom).filter((d) => d > date);
  }

  partnerIndex(partnerId: string): number | undefined {
    return this.partners.get(partnerId);
  }
}
