/**
 * Data under every version of a program: each version's index is built the
 * first time a date under it is evaluated, then reused. Timelines and
 * forecasts that cross a version switch need both.
 *
 * Two sources share the one interface (`VersionedData`) the forecast, the
 * timeline and the overview's outlook read: a Dataset of records
 * (`PreparedProgram`, what plan and the renderers also need), or the whole
 * store as columns (`ColumnsProgram`, no object per row: what a server keeps
 * for every partner at once).
 */
import type { IsoDate } from '../calendar.js';
import type { Dataset } from '../dataset/model.js';
import type { Program, ProgramVersion } from '../program/model.js';
import { versionInEffect } from '../program/versions.js';
import { columnsOf, type DatasetColumns } from './columns.js';
import { prepareColumns, type PreparedData, type PreparedDataset } from './prepare.js';

/** Prepared data per version, and which version judges a date. */
export interface VersionedData<P extends PreparedData = PreparedData> {
  readonly program: Program;
  /** The prepared data of the version judging this date; undefined before the first version. */
  on(date: IsoDate): P | undefined;
  of(version: ProgramVersion): P;
  /** Effective dates of versions after `date`, when rules change by themselves (none when a version is forced). */
  switchesAfter(date: IsoDate): IsoDate[];
  partnerIndex(partnerId: string): number | undefined;
}

abstract class Versioned<P extends PreparedData> implements VersionedData<P> {
  private readonly byVersion = new Map<IsoDate, P>();

  /** `forced`: judge every date by this version instead of the one in force (`--program-version`). */
  constructor(
    readonly program: Program,
    readonly forced?: ProgramVersion,
  ) {}

  protected abstract prepare(version: ProgramVersion): P;
  abstract partnerIndex(partnerId: string): number | undefined;

  on(date: IsoDate): P | undefined {
    const version = this.forced ?? versionInEffect(this.program, date);
    return version ? this.of(version) : undefined;
  }

  of(version: ProgramVersion): P {
    let prepared = this.byVersion.get(version.effectiveFrom);
    if (!prepared) {
      prepared = this.prepare(version);
      this.byVersion.set(version.effectiveFrom, prepared);
    }
    return prepared;
  }

  /** The versions prepared so far (a server keeps them while its data does not change). */
  preparedVersions(): readonly P[] {
    return [...this.byVersion.values()];
  }

  switchesAfter(date: IsoDate): IsoDate[] {
    return this.forced ? [] : this.program.versions.map((v) => v.effectiveFrom).filter((d) => d > date);
  }
}

/** A dataset of records under every version. */
export class PreparedProgram extends Versioned<PreparedDataset> {
  private columns: DatasetColumns | undefined;
  private readonly partners: ReadonlyMap<string, number>;

  constructor(
    program: Program,
    readonly dataset: Dataset,
    forced?: ProgramVersion,
  ) {
    super(program, forced);
    this.partners = new Map(dataset.partners.map((p, i) => [p.id, i] as const));
  }

  protected prepare(version: ProgramVersion): PreparedDataset {
    // The dataset becomes columns once, whatever the number of versions.
    this.columns ??= columnsOf(this.dataset);
    return { ...prepareColumns(version, this.columns), dataset: this.dataset };
  }

  partnerIndex(partnerId: string): number | undefined {
    return this.partners.get(partnerId);
  }
}

/** Columns (the whole store, read once) under every version. */
export class ColumnsProgram extends Versioned<PreparedData> {
  private partners: ReadonlyMap<string, number> | undefined;

  constructor(
    program: Program,
    readonly columns: DatasetColumns,
    forced?: ProgramVersion,
  ) {
    super(program, forced);
  }

  protected prepare(version: ProgramVersion): PreparedData {
    return prepareColumns(version, this.columns);
  }

  partnerIndex(partnerId: string): number | undefined {
    this.partners ??= new Map(this.columns.partners.ids.map((id, i) => [id, i] as const));
    return this.partners.get(partnerId);
  }
}

/** The same data and preparations, every date judged by `version` (`--program-version`): nothing prepared again. */
export function judgedBy<P extends PreparedData>(data: VersionedData<P>, version: ProgramVersion): VersionedData<P> {
  return {
    program: data.program,
    on: () => data.of(version),
    of: (v) => data.of(v),
    switchesAfter: () => [],
    partnerIndex: (id) => data.partnerIndex(id),
  };
}
