// Sign-in through the identity provider: OIDC authorization code with PKCE (public client careledger-web).
// Tokens live in sessionStorage (this tab only) and never in the URL.

export const CLIENT_ID = 'careledger-web';
const SESSION = 'careledger.session';
const PENDING = 'careledger.pkce';
const HINT = 'careledger.loginHint';

export interface Session { accessToken: string; idToken?: string; expiresAt: number }

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION);
  return raw ? (JSON.parse(raw) as Session) : null;
}

export function redirectUri(): string {
  return `${location.origin}/`;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach(b => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Leaves for the identity provider's sign-in page; comes back to `returnTo` (a #route). */
export async function signIn(returnTo: string, loginHint?: string): Promise<never> {
  const verifier = randomToken();
  const state = randomToken();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const q = new URLSearchParams({
    response_type: 'code', client_id: CLIENT_ID, scope: 'openid profile', redirect_uri: redirectUri(),
    code_challenge: await challengeOf(verifier), code_challenge_method: 'S256', state,
  });
  // the role picker: the provider's session signs in again as that role; kept, so signing in again after expiry
  // (a 401 mid-task) comes back in the role chosen, not the first one held
  if (loginHint) sessionStorage.setItem(HINT, loginHint);
  const hint = loginHint ?? sessionStorage.getItem(HINT);
  if (hint) q.set('login_hint', hint);
  location.assign(`/oauth2/authorize?${q}`);
  return new Promise<never>(() => { /* the page is leaving */ });
}

/** On return from the identity provider (?code=&state=): swaps the code for tokens. Returns the route to show. */
export async function completeSignIn(): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/');
  if (error || !pending || params.get('state') !== pending.state) {
    throw new Error('The sign-in did not complete. Please sign in again.');
  }
  const response = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: CLIENT_ID, code: code!, redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error('The sign-in did not complete. Please sign in again.');
  const tokens = await response.json() as { access_token: string; id_token?: string; expires_in: number };
  const session: Session = { accessToken: tokens.access_token, idToken: tokens.id_token, expiresAt: Date.now() + tokens.expires_in * 1000 };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  return pending.returnTo || '#/';
}

/** Ends the session here and at the identity provider (OIDC RP-initiated logout), then comes back to /. */
export function signOut(): void {
  const session = currentSession();
  sessionStorage.clear();
  sessionStorage.setItem('careledger.signedOut', '1');
  if (session?.idToken) {
    const q = new URLSearchParams({ id_token_hint: session.idToken, client_id: CLIENT_ID });
    location.assign(`/connect/logout?${q}`);
  } else {
    location.assign('/');
  }
}

/** The claims of the session's access token (read for the UI's flow only; the API verifies the token). */
export function tokenClaims(session: Session | null): Record<string, unknown> {
  if (!session) return {};
  try {
    const part = session.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION);
}
