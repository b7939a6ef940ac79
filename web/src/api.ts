/**
 * The dashboard's only way to the server: the public HTTP API under
 * /api/v1, with the session cookie the sign-in sets and, on writes, the
 * session's CSRF token in X-CSRF-Token. Problems (RFC 9457) come back in
 * the dashboard's language (Accept-Language) and are thrown as ApiError.
 * What each answer holds is the contract's (src/contract), handed on to
 * the components from here.
 */
import type { ImportReports, ProblemDetails } from '../../src/contract/index.ts';
import { texts, type Locale } from './i18n.tsx';
import { problemText } from './problems.ts';

export type * from '../../src/contract/index.ts';

/**
 * A problem as the dashboard keeps it: the server's problem details, of
 * which a failure that never reached the server (no network) has only
 * status, title and detail.
 */
export type Problem = Pick<ProblemDetails, 'status' | 'title' | 'detail' | 'errors' | 'total' | 'code' | 'source'>;

/** A failed request: its message is the problem in the dashboard's words (problems.ts), in its language. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problemText(problem, texts(language as Locale)));
  }
  get status(): number {
    return this.problem.status;
  }
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
export function upload(path: string, files: readonly File[], onProgress: (fraction: number) => void): Promise<ImportReports> {
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
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportReports);
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
