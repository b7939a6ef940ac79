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
  readonly required: number;
  /** How much more is needed; 0 when met. */
  readonly shortfall: number;
  readonly evidence: {
    /** The lines counted, in date order. */
    readonly revenueLineIds: readonly string[];
  };
}

export interface CertifiedPeopleEvaluation {
  readonly id: string;
  readonly kind: 'certified-people';
  readonly met: boolean;
  /** Qualifying people. */
  readonly actual: number;
  readonly required: number;
  readonly shortfall: number;
  readonly evidence: {
    /** The people who qualify. */
    readonly personIds: readonly string[];
  };
}

export type RequirementEvaluation = RevenueRequirementEvaluation | CertifiedPeopleEvaluation;
