/**
 * The evaluation report: what `attain evaluate --format json` prints and what
 * the API will serve. Ids and numbers only, no prose, so it is the same in
 * every locale. Revenue amounts are US dollars with at most two decimals.
 */
import type { IsoDate } from '../calendar.js';

export interface EvaluationReport {
  readonly asOf: IsoDate;
  readonly program: string;
  /** The date from which the applied program definition is in effect. */
  readonly programVersion: IsoDate;
  /** Present when the applied version is the last its source published: the date from which nothing newer was. */
  readonly publicationEnded?: IsoDate;
  readonly partners: readonly PartnerEvaluation[];
}

export interface PartnerEvaluation {
  readonly partnerId: string;
  readonly market: string;
  readonly competencies: readonly CompetencyEvaluation[];
}

export interface CompetencyEvaluation {
  readonly competency: string;
  readonly options: readonly OptionEvaluation[];
}

export interface OptionEvaluation {
  readonly option: string;
  /** The highest level met, or null. */
  readonly level: string | null;
  readonly levels: readonly LevelEvaluation[];
}

export interface LevelEvaluation {
  readonly level: string;
  readonly met: boolean;
  readonly requirements: readonly RequirementEvaluation[];
}

export interface RevenueRequirementEvaluation {
  readonly id: string;
  readonly kind: 'revenue';
  readonly met: boolean;
  /** US dollars in the window. */
  readonly actual: number;
  /** The threshold of the partner's market; null when the version published none for it (see `reason`). */
  readonly required: number | null;
  /** How much more is needed; 0 when met; null when no amount would do (no threshold published). */
  readonly shortfall: number | null;
  /** Why it cannot be met whatever the revenue: the version published no threshold for the partner's market. */
  readonly reason?: 'no-threshold-published';
  readonly evidence: {
    /** The lines counted, in date order. */
    readonly revenueLineIds: readonly string[];
  };
}

export interface CertifiedPeopleEvaluation {
  readonly id: string;
  readonly kind: 'certified-people';
  readonly met: boolean;
  /** Qualifying people; when each exam set is counted on its own, the smallest of the counts. */
  readonly actual: number;
  readonly required: number;
  readonly shortfall: number;
  readonly evidence: {
    /** The people who qualify (for any set, when sets are counted on their own). */
    readonly personIds: readonly string[];
    /** When the same or different people may pass the sets: each set's own count. */
    readonly groups?: readonly {
      readonly exams: readonly string[];
      readonly minimum: number;
      readonly actual: number;
      readonly personIds: readonly string[];
    }[];
    /** Qualifying people who would not qualify without passes of exams that retire, with those exams. */
    readonly retiringExams: readonly { readonly personId: string; readonly exams: readonly string[] }[];
  };
}

export type SingleRequirementEvaluation = RevenueRequirementEvaluation | CertifiedPeopleEvaluation;

/** Alternatives between whole requirements; the figures are those of the alternative carrying it, or else the closest. */
export interface AnyOfEvaluation {
  readonly id: string;
  readonly kind: 'any-of';
  readonly met: boolean;
  readonly actual: number;
  readonly required: number | null;
  readonly shortfall: number | null;
  /** The first alternative that is met, or null. */
  readonly carriedBy: string | null;
  /** The alternative whose figures are shown. */
  readonly closest: string;
  readonly alternatives: readonly SingleRequirementEvaluation[];
}

export type RequirementEvaluation = SingleRequirementEvaluation | AnyOfEvaluation;
