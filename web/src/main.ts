import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './style.css';
import { api, ok } from './client';
import { completeSignIn, currentSession, signIn, signOut, tokenClaims } from './auth';
import { button, errorSummary, field, h, inset, show, textInput } from './dom';
import { restoreDraft } from './drafts';
import { roleName, formatNhsNumber, normaliseNhsNumber } from './words';
import { findPatientPage, recordPage } from './pages/clinician';
import { myAccessesPage, myConsentPage, myRecordPage } from './pages/patient';
import { igRoutes } from './pages/ig';
import { writeRoutes } from './pages/writes';
import { viewAsPage } from './pages/viewas';
import { beginPage } from './navigation';
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
    : me.role === 'IG_OFFICER' ? [['#/ig', 'Alerts'], ['#/ig/search', 'Audit search'], ['#/ig/who-could-see', 'Who could see'], ['#/ig/view-as', 'View as']]
      : me.role === 'ADMINISTRATOR' ? [] : [['#/', 'Find a patient']];
  document.getElementById('session')!.replaceChildren(h('div', { class: 'careledger-session', role: 'region', 'aria-label': 'Your session' },
    h('p', { class: 'nhsuk-body-s', id: 'who' }, who),
    links.length ? h('nav', { 'aria-label': 'Main' }, h('ul', {}, links.map(([href, text]) => h('li', {}, h('a', { class: 'nhsuk-link', href }, text))))) : null,
    out));
}

/**
 * The staff member holds several roles and the sign-in named none: they pick role and organisation, and the page
 * signs in again (the identity provider's session, asked for that role) — or carries on in the one they have.
 */
async function rolePicker(returnTo: string): Promise<void> {
  const roles = await ok(api.GET('/api/whoami/roles'));
  if (roles.length < 2) {
    await route();
    return;
  }
  const radios = h('div', { class: 'nhsuk-radios' }, roles.map((r, i) => h('div', { class: 'nhsuk-radios__item' },
    h('input', { class: 'nhsuk-radios__input', id: `role-${i}`, name: 'role', type: 'radio', value: String(i), checked: r.current ?? false }),
    h('label', { class: 'nhsuk-label nhsuk-radios__label', for: `role-${i}` }, `${roleName(r.role)} at ${r.organisationName ?? r.organisation} (${r.organisation})`))));
  const form = h('form', { novalidate: true, id: 'role-form' },
    h('fieldset', { class: 'nhsuk-fieldset' },
      h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, 'Which role are you working in now?'),
      radios),
    button('Continue', { id: 'choose-role' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = roles[Number((form.querySelector('input[name=role]:checked') as HTMLInputElement | null)?.value ?? -1)];
    if (!picked) return;
    sessionStorage.setItem('careledger.roleChosen', '1');
    if (picked.current) {
      if (location.hash === returnTo) void route();
      else location.hash = returnTo;
      return;
    }
    const slug = (picked.role ?? '').toLowerCase().replace(/_/g, '-');
    void signIn(returnTo, `${me.user}/${slug}@${picked.organisation}`);
  });
  show('Choose your role', h('h1', { class: 'nhsuk-heading-l' }, 'Choose your role'),
    h('p', { class: 'nhsuk-body' }, 'You hold more than one role. What you see of a record, and what you may record, depends on the role and organisation you work in.'),
    form);
}

/** IG: which patient's record to preview as another role. */
function viewAsStart(): void {
  const nhs = textInput('view-as-patient', { inputmode: 'numeric', autocomplete: 'off', class: 'nhsuk-input nhsuk-input--width-10' });
  const form = h('form', { novalidate: true }, field('view-as-patient', 'NHS number', nhs, 'For example, 999 123 4567'), button('Continue', { id: 'view-as-continue' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/ig/view-as?patient=${normaliseNhsNumber(nhs.value)}`;
  });
  show('View as another role', h('h1', { class: 'nhsuk-heading-l' }, 'View as another role'),
    h('p', { class: 'nhsuk-body' }, 'See which entries of a record someone in another role at an organisation would see now, and why the rest would be withheld. You see which entries, never what they say. Every preview is recorded.'), form);
}

async function route(): Promise<void> {
  beginPage();
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean);
  if (me.role === 'PATIENT') {
    if (parts[1] === 'accesses') await myAccessesPage();
    else if (parts[1] === 'consent') await myConsentPage();
    else await myRecordPage();
  } else if (me.role === 'IG_OFFICER' && parts[1] === 'view-as') {
    const patient = params.get('patient') ?? '';
    if (patient) await viewAsPage(patient, params, '#/ig/view-as');
    else viewAsStart();
  } else if (me.role === 'IG_OFFICER') {
    await igRoutes(parts.slice(1), params);
  } else if (me.role === 'ADMINISTRATOR') {
    show('CareLedger', h('h1', { class: 'nhsuk-heading-l' }, 'Administration'),
      h('p', { class: 'nhsuk-body' }, 'Administrators manage the directory through the API (see the API documentation at /swagger-ui.html). Administrators never see records.'));
  } else if (parts[0] === 'patients' && parts[1] && parts[2] === 'view-as' && me.role === 'GP') {
    await viewAsPage(parts[1], params, `#/patients/${parts[1]}/view-as`);
  } else if (parts[0] === 'patients' && parts[1]) {
    if (parts.length === 2 || !(await writeRoutes(parts[1], parts.slice(2)))) {
      await recordPage(parts[1], params.get('purpose') ?? 'DIRECT_CARE', me);
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
  if (me.role !== 'PATIENT' && tokenClaims(currentSession()).select_role === true
    && !sessionStorage.getItem('careledger.roleChosen')) {
    await rolePicker(location.hash || '#/');
    return;
  }
  await route();
}

void start();
