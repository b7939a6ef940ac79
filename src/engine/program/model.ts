/**
 * A compiled program: the definition with every reference resolved, product
 * scopes expanded and thresholds in cents. Evaluation, planning and rendering
 * all read this, never the raw file.
 */
import type { IsoDate } from '../calendar.js';
import type { Cents } from '../money.js';
import type { LocalizedText, PageRevision, VersionNote } from './schema.js';

export type { LocalizedText, Locale, PageRevision, VersionNote } from './schema.js';

export interface Market {
  readonly id: string;
  readonly name: LocalizedText;
}

export interface AssociationType {
  readonly id: string;
  readonly name: LocalizedText;
  readonly exclusive: boolean;
  readonly link?: string | undefined;
}

export interface Product {
  readonly id: string;
  readonly name: LocalizedText;
  readonly components: readonly string[];
}

export interface Exam {
  readonly id: string;
  readonly title: LocalizedText;
  readonly link?: string | undefined;
  /** Last day the exam can be taken. */
  readonly retires?: IsoDate | undefined;
  /** Last evaluation date on which its passes count. */
  readonly acceptedUntil?: IsoDate | undefined;
  /** The month (YYYY-MM) it was first offered: no pass can be dated earlier. */
  readonly availableFrom?: string | undefined;
  /** Exams whose passes count as passes of this one. */
  readonly acceptsPassesOf: readonly string[];
}

/**
 * Which revenue lines count: a set of products (components included), net
 * new or all, attributed through one association type. Requirements that
 * differ only by threshold share one scope, so each line is tested once.
 */
export interface RevenueScope {
  readonly index: number;
  readonly products: ReadonlySet<string>;
  readonly netNewOnly: boolean;
  readonly attribution: string;
}

export interface ExamSet {
  readonly exams: readonly string[];
  /** Exams of the set a person must have passed. */
  readonly minimum: number;
}

/** Who counts as a certified person: someone who satisfies every exam set. */
export interface Qualification {
  readonly index: number;
  readonly examSets: readonly ExamSet[];
}

export interface RevenueRequirement {
  readonly kind: 'revenue';
  readonly id: string;
  readonly name?: LocalizedText | undefined;
  /** Products as the definition lists them (before components are added). */
  readonly products: readonly string[];
  readonly netNewOnly: boolean;
  readonly attribution: string;
  readonly scope: RevenueScope;
  /** Threshold per market id; a market without one had no threshold published: its partners cannot meet it. */
  readonly minimumCents: ReadonlyMap<string, Cents>;
  /** The page calls it cloud revenue. */
  readonly cloud: boolean;
}

export interface CertifiedPeopleRequirement {
  readonly kind: 'certified-people';
  readonly id: string;
  readonly name?: LocalizedText | undefined;
  readonly people: number;
  readonly examSets: readonly ExamSet[];
  /** The same people must satisfy every set; otherwise each set is counted on its own. */
  readonly samePeople: boolean;
  /**
   * What is counted: one qualification holding every set when the same
   * people must pass them all, one qualification per set otherwise. Each
   * count must reach `people`.
   */
  readonly groups: readonly Qualification[];
  /** Exams of the sets that have a retirement date. */
  readonly retiringExams: readonly string[];
}

/** Alternatives between whole requirements: met when one of them is. */
export interface AnyOfRequirement {
  readonly kind: 'any-of';
  readonly id: string;
  readonly name?: LocalizedText | undefined;
  readonly alternatives: readonly SingleRequirement[];
}

export type SingleRequirement = RevenueRequirement | CertifiedPeopleRequirement;
export type Requirement = SingleRequirement | AnyOfRequirement;

export interface Level {
  readonly id: string;
  readonly name: LocalizedText;
  /** 0 for the lowest level of its option. */
  readonly rank: number;
  readonly requirements: readonly Requirement[];
}

export interface Option {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description?: LocalizedText | undefined;
  /** Lowest first. */
  readonly levels: readonly Level[];
}

export interface Competency {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description?: LocalizedText | undefined;
  readonly options: readonly Option[];
}

/** What a dataset is checked against: countries, association types, products. */
export interface Catalog {
  /** ISO 3166-1 alpha-2 → market id. */
  readonly countries: ReadonlyMap<string, string>;
  readonly associationTypes: ReadonlyMap<string, AssociationType>;
  readonly products: ReadonlyMap<string, Product>;
  /** Exam id → the month (YYYY-MM) it was first offered, for exams a page marks so: no pass can be dated earlier. */
  readonly examAvailableFrom: ReadonlyMap<string, string>;
}

/**
 * A program as it stood from one date on: the rules that judge a partner on
 * any as-of date from `effectiveFrom` until the next version takes effect.
 */
export interface ProgramVersion extends Catalog {
  readonly id: string;
  readonly name: LocalizedText;
  readonly effectiveFrom: IsoDate;
  /** Where the rules were read: free text, or the page revision (repository, path, commit, hand-off date). */
  readonly source?: string | PageRevision | undefined;
  /** Errata and readings of the page, as the version's page and reports show them. */
  readonly notes: readonly VersionNote[];
  /** From this date the source published no newer requirements: this version stays the last published one. */
  readonly publicationEnded?: { readonly on: IsoDate; readonly source?: PageRevision | undefined } | undefined;
  readonly markets: readonly Market[];
  /** ISO 3166-1 alpha-2 → market id. */
  readonly countries: ReadonlyMap<string, string>;
  readonly associationTypes: ReadonlyMap<string, AssociationType>;
  readonly products: ReadonlyMap<string, Product>;
  readonly exams: ReadonlyMap<string, Exam>;
  /** An exam id as passed → the catalog exams its pass counts for (itself, and those accepting its passes). */
  readonly passCountsFor: ReadonlyMap<string, readonly string[]>;
  readonly competencies: readonly Competency[];
  readonly revenueScopes: readonly RevenueScope[];
  readonly qualifications: readonly Qualification[];
}

/**
 * A program through time: its versions, oldest first. Datasets are checked
 * against the catalogs of all versions together (a product added by a later
 * version is valid data, and counts for nothing under an earlier one).
 */
export interface Program extends Catalog {
  readonly id: string;
  readonly name: LocalizedText;
  readonly versions: readonly ProgramVersion[];
}
