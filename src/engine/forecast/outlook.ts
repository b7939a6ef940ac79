/**
 * The outlook of a partner for the overview ("at risk", "closest"): per
 * option, the level held, how far the next level is — its largest shortfall
 * and the revenue missing — and when the level held lapses if nothing new
 * arrives. Cheap enough for every partner of a store: measured once with
 * evidence off, the lapse searched as the forecast searches it (`lapsesOf`),
 * no projection.
 *
 * The largest shortfall is the one furthest from its own requirement
 * (shortfall ÷ required), so that a revenue gap and a people gap compare; an
 * any-of requirement counts by the alternative closest to being met, as the
 * evaluation's `closest` says. A revenue requirement whose version published
 * no threshold for the partner's market cannot be met by any amount: it is
 * the largest shortfall (`ratio: null`), and the revenue missing is then
 * null too (docs/rules.md, section 7).
 */
import { dayNumberOf, type IsoDate } from '../calendar.js';
import { judgePartner, measurePartner, sumOutOfRange, thresholdCents, type PartnerMeasures } from '../evaluation/evaluate.js';
import type { VersionedData } from '../evaluation/prepared-program.js';
import type { PreparedData } from '../evaluation/prepare.js';
import type { LevelEvaluation, SingleRequirementEvaluation } from '../evaluation/report.js';
import { centsToDollars, isExactCents, type Cents } from '../money.js';
import type { Level, SingleRequirement } from '../program/model.js';
import { ttmWindow } from '../rules/ttm-window.js';
import { lapsesOf } from './forecast.js';

/** The requirement of the next level furthest from being met. */
export interface LargestShortfall {
  /** The requirement of the level. */
  readonly requirement: string;
  /** For an any-of requirement: the alternative counted, the closest to being met. */
  readonly alternative?: string;
  /** What is counted: US dollars for revenue, people otherwise. */
  readonly kind: 'revenue' | 'certified-people';
  /** How much more is needed, in the requirement's unit; null when no amount would do (`reason`). */
  readonly shortfall: number | null;
  /** The threshold (US dollars) or the number of people; null when none was published (`reason`). */
  readonly required: number | null;
  /**
   * shortfall ÷ required: unit-free, so revenue and people compare (0.25: a
   * quarter of the requirement is missing; above 1 when credits leave the sum
   * negative; 1 for a zero threshold not reached). null: cannot be met.
   */
  readonly ratio: number | null;
  readonly reason?: 'no-threshold-published';
}

export interface NextLevelOutlook {
  readonly level: string;
  readonly largestShortfall: LargestShortfall;
  /**
   * The next level's revenue shortfalls added up, in US dollars (exact: summed
   * in cents), an any-of requirement counted by its closest alternative; 0
   * when only people are missing; null when a revenue threshold was not
   * published for the partner's market. One sale can count toward several
   * requirements, so the plan may close them with less (its `revenueToClose`).
   */
  readonly revenueShortfall: number | null;
}

export interface OptionOutlook {
  readonly competency: string;
  readonly option: string;
  /** The level held on the as-of date (null: none). */
  readonly level: string | null;
  /** The level above it; null at the top. */
  readonly next: NextLevelOutlook | null;
  /** When the level held lapses if nothing new arrives, as the forecast says; null if it holds (or there is none). */
  readonly lapse: { readonly date: IsoDate; readonly levelAfter: string | null } | null;
}

export interface PartnerOutlook {
  readonly partnerId: string;
  readonly asOf: IsoDate;
  /** The version judging the as-of date. */
  readonly programVersion: IsoDate;
  readonly options: readonly OptionOutlook[];
}

/** `partner`: the partner's index in the data (`data.partnerIndex(id)`). */
export function outlookOf(data: VersionedData, partner: number, asOf: IsoDate): PartnerOutlook {
  const today = data.on(asOf);
  if (!today) throw new RangeError(`${asOf} is before the first version of ${data.program.id}`);
  const measures = measurePartner(today, partner, ttmWindow(asOf), { evidence: false });
  const now = judgePartner(today, measures);
  const lapses = lapsesOf(data, partner, asOf, now);
  const options = now.competencies.flatMap((c, ci) =>
    c.options.map((o, oi): OptionOutlook => {
      const levels = today.program.competencies[ci]!.options[oi]!.levels;
      const held = o.level === null ? -1 : o.levels.findIndex((l) => l.level === o.level);
      const lapse = lapses.get(`${c.competency}/${o.option}`);
      return {
        competency: c.competency,
        option: o.option,
        level: o.level,
        next: held + 1 < levels.length ? nextLevel(today, measures, now.market, levels[held + 1]!, o.levels[held + 1]!, asOf) : null,
        lapse: lapse ? { date: lapse.date, levelAfter: lapse.levelAfter } : null,
      };
    }),
  );
  return { partnerId: now.partnerId, asOf, programVersion: today.program.effectiveFrom, options };
}

/** A requirement of the level as the outlook counts it: itself, or the closest alternative of an any-of; how far it is. */
interface Counted {
  readonly requirement: string;
  readonly alternative: string | undefined;
  readonly definition: SingleRequirement;
  readonly evaluation: SingleRequirementEvaluation;
  /** Revenue: the threshold and the shortfall in cents (undefined: no threshold published). */
  readonly requiredCents: Cents | undefined;
  readonly cents: Cents;
  /** shortfall ÷ required; null: cannot be met. */
  readonly ratio: number | null;
}

function nextLevel(
  prepared: PreparedData,
  measures: PartnerMeasures,
  market: string,
  level: Level,
  evaluation: LevelEvaluation,
  asOf: IsoDate,
): NextLevelOutlook {
  let largest: Counted | undefined;
  let revenueCents: Cents | null = 0;
  for (const [i, r] of evaluation.requirements.entries()) {
    const definition = level.requirements[i]!;
    let c: Counted;
    if (r.kind === 'any-of' && definition.kind === 'any-of') {
      const k = r.alternatives.findIndex((a) => a.id === r.closest);
      c = counted(r.id, r.closest, definition.alternatives[k]!, r.alternatives[k]!, market, measures);
    } else {
      c = counted(r.id, undefined, definition as SingleRequirement, r as SingleRequirementEvaluation, market, measures);
    }
    if (c.definition.kind === 'revenue') {
      if (c.requiredCents === undefined) revenueCents = null;
      else if (revenueCents !== null) {
        revenueCents += c.cents;
        if (!isExactCents(revenueCents)) throw sumOutOfRange(prepared, measures.partner, c.definition.scope.index, dayNumberOf(asOf));
      }
    }
    // The first of the furthest, in definition order; one that cannot be met is the furthest of all.
    if (!c.evaluation.met && (largest === undefined || further(c.ratio, largest.ratio))) largest = c;
  }
  // The next level is above the level held, so one of its requirements at least is not met.
  return {
    level: level.id,
    largestShortfall: shortfallOf(largest!),
    revenueShortfall: revenueCents === null ? null : centsToDollars(revenueCents),
  };
}

function counted(
  requirement: string,
  alternative: string | undefined,
  definition: SingleRequirement,
  evaluation: SingleRequirementEvaluation,
  market: string,
  measures: PartnerMeasures,
): Counted {
  if (definition.kind === 'certified-people') {
    const { shortfall, required } = evaluation as Extract<SingleRequirementEvaluation, { kind: 'certified-people' }>;
    return { requirement, alternative, definition, evaluation, requiredCents: undefined, cents: 0, ratio: shortfall / required };
  }
  const requiredCents = thresholdCents(definition, market);
  if (requiredCents === undefined) return { requirement, alternative, definition, evaluation, requiredCents, cents: 0, ratio: null };
  // The evaluation checked this difference exact (exactShortfall).
  const cents = Math.max(0, requiredCents - measures.scopeCents[definition.scope.index]!);
  const ratio = requiredCents > 0 ? cents / requiredCents : cents > 0 ? 1 : 0;
  return { requirement, alternative, definition, evaluation, requiredCents, cents, ratio };
}

/** Whether a ratio is further from being met than another (null: never met). */
function further(ratio: number | null, than: number | null): boolean {
  if (than === null) return false;
  return ratio === null || ratio > than;
}

function shortfallOf(c: Counted): LargestShortfall {
  let figures: Omit<LargestShortfall, 'requirement' | 'alternative'>;
  if (c.definition.kind === 'certified-people') {
    const { shortfall, required } = c.evaluation as Extract<SingleRequirementEvaluation, { kind: 'certified-people' }>;
    figures = { kind: 'certified-people', shortfall, required, ratio: c.ratio };
  } else if (c.requiredCents === undefined) {
    figures = { kind: 'revenue', shortfall: null, required: null, ratio: null, reason: 'no-threshold-published' };
  } else {
    figures = { kind: 'revenue', shortfall: centsToDollars(c.cents), required: centsToDollars(c.requiredCents), ratio: c.ratio };
  }
  return c.alternative === undefined
    ? { requirement: c.requirement, ...figures }
    : { requirement: c.requirement, alternative: c.alternative, ...figures };
}
