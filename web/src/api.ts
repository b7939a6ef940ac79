/**
 * The dashboard's only way to the server: the public HTTP API under
 * /api/v1, with the session cookie the sign-in sets and, on writes, the
 * session's CSRF token in X-CSRF-Token. Problems (RFC 9457) come back in
 * the dashboard's language (Accept-Language) and are thrown as ApiError.
 */

export interface ProblemItem {
  readonly record: string;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly ProblemItem[];
  readonly total?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export type Role = 'program-admin' | 'partner-admin' | 'partner-viewer';

export interface User {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly partnerId: string | null;
}

export interface LevelSummary {
  readonly competency: string;
  readonly option: string;
  readonly level: string | null;
}

export interface PartnerSummary {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly market: string;
  readonly levels: readonly LevelSummary[];
}

export interface PartnerList {
  readonly asOf: string;
  readonly programVersion: string;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: readonly PartnerSummary[];
}

export interface LevelCounts {
  readonly total: number;
  readonly options: readonly { competency: string; option: string; levels: readonly { level: string | null; count: number }[] }[];
}

export interface RequirementResult {
  readonly id: string;
  readonly kind: 'revenue' | 'certified-people' | 'any-of';
  readonly met: boolean;
  readonly actual: number;
  readonly required: number;
  readonly shortfall: number;
  readonly evidence?: { readonly revenueLineIds?: readonly string[]; readonly personIds?: readonly string[] };
  readonly carriedBy?: string | null;
  readonly closest?: string;
  readonly alternatives?: readonly RequirementResult[];
}

export interface OptionResult {
  readonly option: string;
  readonly level: string | null;
  readonly levels: readonly { level: string; met: boolean; requirements: readonly RequirementResult[] }[];
}

export interface EvaluationReport {
  readonly asOf: string;
  readonly programVersion: string;
  readonly partners: readonly {
    partnerId: string;
    market: string;
    competencies: readonly { competency: string; options: readonly OptionResult[] }[];
  }[];
}

export interface ExamAssignment {
  readonly personId: string;
  readonly exams: readonly string[];
}

export interface PartnerPlan {
  readonly targets: readonly {
    competency: string;
    option: string;
    level: string;
    met: boolean;
    revenue: readonly { requirement: string; shortfall: number; products: readonly string[]; netNewOnly: boolean }[];
    revenueToClose: number;
    exams: { additionalPasses: number; newPeople: number; feasible: boolean; assignments: readonly ExamAssignment[] };
  }[];
}

export interface Failing {
  readonly requirement: string;
  readonly kind: 'revenue' | 'certified-people';
  readonly actual: number;
  readonly required: number;
  readonly shortfall: number;
}

export interface PartnerForecast {
  readonly options: readonly {
    competency: string;
    option: string;
    level: string | null;
    lapse: { date: string; levelAfter: string | null; failing: readonly Failing[] } | null;
    projection: { level: string; reachedOn: string | null; blockedBy: readonly Failing[] } | null;
  }[];
}

export interface PartnerTimeline {
  readonly points: readonly {
    date: string;
    programVersion: string;
    options: readonly {
      competency: string;
      option: string;
      level: string | null;
      requirements: readonly { id: string; kind: 'revenue' | 'certified-people'; actual: number; required: Record<string, number> }[];
    }[];
  }[];
}

export interface QualificationMatrix {
  readonly exams: readonly string[];
  readonly people: readonly { id: string; name: string; exams: readonly string[] }[];
  readonly requirements: readonly {
    competency: string;
    option: string;
    level: string;
    requirement: string;
    alternative?: string;
    required: number;
    sets: readonly { exams: readonly string[]; minimum: number }[];
    people: readonly { personId: string; missing: number | null; exams: readonly string[] }[];
  }[];
}

export interface RevenueLine {
  readonly id: string;
  readonly customerId: string;
  readonly product: string;
  readonly date: string;
  readonly amount: string;
  readonly currency: string;
  readonly netNew: boolean;
}

export type Localized = { readonly en: string } & Record<string, string | undefined>;

/** The parts of a version's definition document the dashboard names things with. */
export interface Definition {
  readonly exams?: readonly { id: string; title: Localized }[];
  readonly markets?: readonly { id: string; name: Localized }[];
  readonly competencies: readonly {
    id: string;
    name: Localized;
    options: readonly {
      id: string;
      name: Localized;
      levels: readonly {
        id: string;
        name: Localized;
        requirements: readonly { id: string; name?: Localized; alternatives?: readonly { id: string; name?: Localized }[] }[];
      }[];
    }[];
  }[];
}

export interface ImportReport {
  readonly batch: number;
  readonly source: string;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly rejectedRecords: readonly { collection: string; index: number; line?: number; reasons: readonly string[] }[];
}

/** Fired on window when the API answers 401: the session is gone. */
export const SIGNED_OUT_EVENT = 'attain:signed-out';

let csrfToken: string | null = null;
let language = 'en';

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(locale: string): void {
  language = locale;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { status: response.status, title: body.title ?? response.statusText, detail: body.detail ?? '', ...body } as Problem;
  } catch {
    return { status: response.status, title: response.statusText, detail: '' };
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    // The session ended (expired, signed out elsewhere): back to the sign-in page.
    if (response.status === 401 && path !== '/api/v1/session' && path !== '/api/v1/me') dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw new ApiError(await problemOf(response));
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A query string of the defined values. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Multipart upload with progress (fetch has no upload progress): the import reports, or an ApiError. */
export function upload(
  path: string,
  files: readonly File[],
  onProgress: (fraction: number) => void,
): Promise<{ reports: readonly ImportReport[] }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', language);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as { reports: readonly ImportReport[] });
      else {
        const problem = body as Partial<Problem>;
        reject(
          new ApiError({ status: xhr.status, title: problem.title ?? xhr.statusText, detail: problem.detail ?? '', ...problem } as Problem),
        );
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, title: 'network', detail: '' }));
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    xhr.send(form);
  });
}
