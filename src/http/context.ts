/** What every route file is given: the Fastify instance typed by the zod schemas, the store, what is kept of its evaluations, the settings. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { IsoDate } from '../engine/index.js';
import type { Store } from '../store/store.js';
import type { Evaluations } from '../app/evaluations.js';
import type { StoredScores } from '../app/scores.js';

export type Api = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface Settings {
  /** The largest import upload, in bytes (a JSON body, or all files of a multipart body together). */
  readonly maxUploadBytes: number;
  /** How long a browser session lasts. */
  readonly sessionTtlSeconds: number;
  /** Sign-in attempts allowed per client address and username in `signInWindowMs`; five times as many per address. */
  readonly signInMax: number;
  readonly signInWindowMs: number;
  /** How often the live state looks for other processes' imports while a dashboard listens for pushes (routes/events.ts). */
  readonly watchIntervalMs: number;
  /** Today's date, the default as-of date (app/today.ts; tests fix it). */
  readonly today: () => IsoDate;
}

export interface Context {
  readonly store: Store;
  readonly evaluations: Evaluations;
  /** The store's scoring records, prepared once per store state (scored programs). */
  readonly scores: StoredScores;
  readonly settings: Settings;
}
