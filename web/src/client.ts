// The typed API client: generated from the application's OpenAPI document (src/api/schema.d.ts, made by
// `npm run api` from openapi.json at build time). Every call carries the access token; an expired or ended
// sign-in sends the person back to sign in, keeping what they typed.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api/schema';
import { currentSession, forgetSession, signIn } from './auth';
import { captureDraft, keepDraft } from './drafts';
import { kindOf, plainWords, type Problem } from './problem';
import { forThisPage } from './navigation';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | undefined) {
    super(plainWords(problem, status));
  }
  get kind(): string { return kindOf(this.problem); }
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.accessToken}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      keepDraft(captureDraft(document.getElementById('main')!, location.hash || '#/'));
      sessionStorage.setItem('careledger.expired', '1');
      forgetSession();
      await signIn(location.hash || '#/');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/**
 * The data of a successful answer, or an ApiError with the problem in plain words. An answer that arrives after the
 * person has moved to another page never settles (navigation.ts), so a page nobody is looking at cannot replace the
 * one in use.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await forThisPage(call);
  if (!response.ok) throw new ApiError(response.status, error as Problem | undefined);
  return data as T;
}
