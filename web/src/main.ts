import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './style.css';
import { api, ok } from './client';
import { completeSignIn, currentSession, signIn, signOut } from './auth';
import { button, errorSummary, h, inset, show } from './dom';
import { restoreDraft } from './drafts';
import { roleName, formatNhsNumber } from './words';
import { findPatientPage, recordPage } from './pages/clinician';
import { myAccessesPage, myConsentPage, myRecordPage } from './pages/patient';
import { igRoutes } from './pages/ig';
import { writeRoutes } from './pages/writes';
import type { components } from './api/schema';

type Me = components['schemas']['Me'];
let me: Me;

function signInPage(message?: string): void {
  const signedOut = sessionStorage.getItem('careledger.signedOut');
  sessionStorage.removeItem('careledger.signedOut');
  const go = button('Sign in', { type: 'button', id: 'sign-in' });
  go.addEventListener('click', () => { void signIn(location.hash || '#/'); });
  show('Sign in', h('h1', { class: 'nhsuk-heading-l' }, 'Sign in to CareLedger'),
    message ? errorSummary('There is a problem', message) : null,
    signedOut ? inset(h('p', { id: 'signed-out' }, 'You have signed out.')) : null,
    h('p', { class: 'nhsuk-body' }, 'Staff sign in with their role at their organisation; patients sign in with their NHS number.'),
    go);
}

function banner(): void {
  const who = me.role === 'PATIENT'
    ? `Signed in as the patient with NHS number ${formatNhsNumber(me.nhsNumber)}`
    : `Signed in as ${me.name ?? 'a member of staff'}, ${roleName(me.role)} at ${me.organisation}`;
  const out = button('Sign out', { type: 'button', id: 'sign-out', class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small' });
  out.addEventListener('click', signOut);
  const links: [string, string][] = me.role === 'PATIENT'
    ? [['#/me', 'My record'], ['#/me/accesses', 'Who has looked'], ['#/me/consent', 'Sharing']]
    : me.role === 'IG_OFFICER' ? [['#/ig', 'Alerts'], ['#/ig/search', 'Audit search'], ['#/ig/who-could-see', 'Who could see']]
      : me.role === 'ADMINISTRATOR' ? [] : [['#/', 'Find a patient']];
  document.getElementById('session')!.replaceChildren(h('div', { class: 'careledger-session', role: 'region', 'aria-label': 'Your session' },
    h('p', { class: 'nhsuk-body-s', id: 'who' }, who),
    links.length ? h('nav', { 'aria-label': 'Main' }, h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { class: 'nhsuk-link', href }, text))))) : null,
    out));
}

async function route(): Promise<void> {
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean);
  if (me.role === 'PATIENT') {
    if (parts[1] === 'accesses') await myAccessesPage();
    else if (parts[1] === 'consent') await myConsentPage();
    else await myRecordPage();
  } else if (me.role === 'IG_OFFICER') {
    await igRoutes(parts.slice(1), params);
  } else if (me.role === 'ADMINISTRATOR') {
    show('CareLedger', h('h1', { class: 'nhsuk-heading-l' }, 'Administration'),
      h('p', { class: 'nhsuk-body' }, 'Administrators manage the directory through the API (see the API documentation at /swagger-ui.html). Administrators never see records.'));
  } else if (parts[0] === 'patients' && parts[1]) {
    if (parts.length === 2 || !(await writeRoutes(parts[1], parts.slice(2)))) {
      await recordPage(parts[1], params.get('purpose') ?? 'DIRECT_CARE');
    }
  } else {
    findPatientPage();
  }
  const main = document.getElementById('main')!;
  if (restoreDraft(main, hash)) {
    main.prepend(inset(h('p', { id: 'draft-restored' }, 'Your sign-in had expired, so you were asked to sign in again. What you had typed has been kept.')));
  }
}

async function start(): Promise<void> {
  // The identity provider accepts loopback redirects on 127.0.0.1 only (RFC 8252), and the PKCE verifier is kept
  // per origin: a visit to localhost continues at 127.0.0.1.
  if (location.hostname === 'localhost') {
    location.replace(location.href.replace('//localhost', '//127.0.0.1'));
    return;
  }
  try {
    const returnTo = await completeSignIn();
    if (returnTo) history.replaceState(null, '', `/${returnTo}`);
  } catch (e) {
    signInPage((e as Error).message);
    return;
  }
  if (!currentSession()) {
    signInPage();
    return;
  }
  try {
    me = await ok(api.GET('/api/whoami'));
  } catch (e) {
    signInPage((e as Error).message);
    return;
  }
  banner();
  window.addEventListener('hashchange', () => { void route(); });
  await route();
}

void start();
