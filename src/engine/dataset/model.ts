/**
 * A dataset that passed validation against a program: every reference
 * resolves, every amount has its exact value in US cents, every partner its
 * market. Nothing downstream re-checks any of it.
 */
import type { IsoDate } from '../calendar.js';
import type { Cents } from '../money.js';

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly market: string;
}

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly country: string;
}

/** A customer's association with a partner, e.g. as its Digital Partner of Record. */
export interface Association {
  readonly customerId: string;
  readonly partnerId: string;
  readonly type: string;
  readonly start: IsoDate;
  /** Last day the association holds; `null` while it is open. */
  readonly end: IsoDate | null;
}

export interface RevenueLine {
  readonly id: string;
  readonly customerId: string;
  readonly product: string;
  readonly date: IsoDate;
  /** The amount as given, in its currency, as exact decimal text. */
  readonly amount: string;
  readonly currency: string;
  readonly netNew: boolean;
  /** The amount in US cents at the line month's rate, rounded half away from zero. */
  readonly usdCents: Cents;
}

export interface Person {
  readonly id: string;
  readonly partnerId: string;
  readonly name: string;
}

export interface ExamPass {
  readonly personId: string;
  /** Any exam id; exams outside the program's catalog are kept but count for nothing. */
  readonly exam: string;
  readonly date: IsoDate;
}

export interface FxRate {
  readonly currency: string;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Exact decimal text. */
  readonly usdPerUnit: string;
}

export interface Dataset {
  readonly partners: readonly Partner[];
  readonly customers: readonly Customer[];
  readonly associations: readonly Association[];
  readonly revenue: readonly RevenueLine[];
  readonly people: readonly Person[];
  readonly examPasses: readonly ExamPass[];
  readonly fxRates: readonly FxRate[];
}
