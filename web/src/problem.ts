// RFC 9457 problem+json from the API, said in plain words for the person at the screen.

export interface Problem { type?: string; title?: string; status?: number; detail?: string; errors?: { field: string; problem: string }[] }

const WORDS: Record<string, string> = {
  'record-not-available': 'This record is not available to you. Either there is no patient with that NHS number, or you have no reason on record to see it (not registered with your organisation, no referral or grant, no emergency access). Your attempt has been recorded.',
  'invalid-nhs-number': 'That is not a valid NHS number. Check the 10 digits and try again.',
  'stale-version': 'Someone else changed this entry after you opened it. Your change was not saved: look at the latest version below, then make your change again.',
  'concurrent-change': 'Someone else changed this at the same moment. Nothing was saved: try again.',
  'precondition-required': 'The version you were changing was not sent. Reload the entry and try again.',
  'forbidden': 'Your role may not do this.',
  'unauthenticated': 'You are not signed in.',
  'invalid-token': 'Your sign-in has expired. Sign in again to carry on.',
  'sign-in-ended': 'Your sign-in is no longer valid for this role or organisation. Sign in again.',
  'service-unavailable': 'The record store cannot be reached just now. Nothing was saved. Try again in a few seconds.',
  'payload-too-large': 'What you entered is too long to save.',
  'internal-error': 'Something went wrong on our side. The request did not complete; any change is stored whole or not at all.',
  'alert-already-closed': 'This case is already closed. A closed case cannot be changed.',
  'grant-already-revoked': 'This access has already been revoked.',
  'section-not-writable': 'Your role may not write in that section of the record.',
};

export function kindOf(problem: Problem | undefined): string {
  return problem?.type?.replace('urn:careledger:problem:', '') ?? 'unknown';
}

/** One or two sentences a person can act on; field errors listed by field name. */
export function plainWords(problem: Problem | undefined, status?: number): string {
  if (!problem || !problem.type) {
    return status && status >= 500 ? WORDS['internal-error'] : 'The request could not be completed. Try again.';
  }
  const kind = kindOf(problem);
  const base = WORDS[kind] ?? problem.detail ?? problem.title ?? 'The request could not be completed.';
  const fields = (problem.errors ?? []).map(e => `${e.field}: ${e.problem}`);
  return fields.length ? `${base} (${fields.join('; ')})` : base;
}
