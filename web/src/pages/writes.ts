// Clinician writes: free entry, pathway templates, entry history with amend / entered in error (version conflicts
// shown), consent on the patient's behalf, grant and revoke access, break glass with a reason and a countdown.
import { api, ApiError, ok } from '../client';
import { button, errorSummary, field, formatDate, formatDateTime, h, inset, select, show, summaryList, table, textInput } from '../dom';
import { sectionName, formatNhsNumber, roleName } from '../words';
import { entriesOf, TEMPLATES } from '../templates';
import { emergencyUntil, rememberEmergency, remaining } from '../countdown';
import type { components } from '../api/schema';

type NewEntry = components['schemas']['NewEntry'];
type Section = NewEntry['section'];

const WRITABLE: Section[] = ['PROBLEMS', 'MEDICATIONS', 'ALLERGIES', 'OBSERVATIONS', 'TEST_RESULTS', 'IMMUNISATIONS', 'CONSULTATIONS',
  'REFERRALS', 'CARE_PLANS', 'COMMUNITY_NURSING', 'MENTAL_HEALTH', 'SOCIAL_CARE', 'SAFEGUARDING'];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function back(nhs: string): HTMLElement {
  return h('a', { class: 'nhsuk-back-link', href: `#/patients/${nhs}` }, 'Back to the record');
}

/** The links under a record to everything a clinician can record. */
export function writeLinks(nhs: string): HTMLElement {
  return h('nav', { 'aria-label': 'Record something', id: 'write-links' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Record something'),
    h('ul', { class: 'nhsuk-list' },
      h('li', {}, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/new` }, 'Add an entry')),
      h('li', {}, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/review/diabetes` }, 'Diabetes annual review')),
      h('li', {}, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/review/hypertension` }, 'Hypertension review')),
      h('li', {}, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/consent` }, 'Record the patient\'s consent')),
      h('li', {}, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/grants` }, 'Give or revoke access'))));
}

export async function writeRoutes(nhs: string, parts: string[]): Promise<boolean> {
  if (parts[0] === 'new') freeEntry(nhs);
  else if (parts[0] === 'review' && TEMPLATES[parts[1]]) templateForm(nhs, parts[1]);
  else if (parts[0] === 'entries' && parts[1]) await entryPage(nhs, parts[1]);
  else if (parts[0] === 'consent') consentForm(nhs);
  else if (parts[0] === 'grants') grantForm(nhs);
  else if (parts[0] === 'emergency') breakGlass(nhs);
  else return false;
  return true;
}

function freeEntry(nhs: string): void {
  const errors = h('div', { id: 'errors' });
  const section = select('section', WRITABLE.map(s => [s, sectionName(s)]));
  const term = textInput('term', { class: 'nhsuk-input' });
  const code = textInput('code', { class: 'nhsuk-input nhsuk-input--width-20', inputmode: 'numeric' });
  const text = h('textarea', { class: 'nhsuk-textarea', id: 'text', name: 'text', rows: 3 });
  const date = h('input', { class: 'nhsuk-input', type: 'date', id: 'date', name: 'date', value: today() });
  const sensitivity = select('sensitivity', [['NORMAL', 'Normal'], ['PRIVATE', 'Private to my organisation'], ['SEALED', 'Sealed'], ['WITHHELD_FROM_PATIENT', 'Withheld from the patient']]);
  const form = h('form', { novalidate: true },
    field('section', 'Section', section),
    field('term', 'What (the term)', term, 'For a coded entry give the SNOMED CT code too; otherwise write free text below'),
    field('code', 'SNOMED CT code (optional)', code),
    field('text', 'Free text (optional)', text),
    field('date', 'Date', date),
    field('sensitivity', 'Who may see it', sensitivity),
    button('Save entry', { id: 'save-entry' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const content: NewEntry['content'] = { effectiveDate: date.value || undefined };
    if (code.value.trim()) { content.code = { system: section.value === 'MEDICATIONS' ? 'DMD' : 'SNOMED_CT', code: code.value.trim() }; content.displayTerm = term.value.trim(); }
    else if (term.value.trim() || text.value.trim()) content.text = [term.value.trim(), text.value.trim()].filter(Boolean).join(': ');
    else { errors.replaceChildren(errorSummary('There is a problem', 'Enter what to record: a term with its code, or free text.')); return; }
    try {
      await ok(api.POST('/api/patients/{nhsNumber}/entries', { params: { path: { nhsNumber: nhs } }, body: { section: section.value as Section, sensitivity: sensitivity.value as 'NORMAL', content } }));
      location.hash = `#/patients/${nhs}`;
    } catch (e) {
      errors.replaceChildren(errorSummary('The entry was not saved', (e as Error).message));
    }
  });
  show('Add an entry', back(nhs), h('h1', { class: 'nhsuk-heading-l' }, 'Add an entry'), h('p', { class: 'nhsuk-body' }, `For the patient with NHS number ${formatNhsNumber(nhs)}.`), errors, form);
}

function templateForm(nhs: string, which: string): void {
  const template = TEMPLATES[which];
  const errors = h('div', { id: 'errors' });
  const progress = h('p', { class: 'nhsuk-body', id: 'progress', role: 'status', 'aria-live': 'polite' });
  const date = h('input', { class: 'nhsuk-input', type: 'date', id: 'review-date', name: 'review-date', value: today() });
  const inputs = template.fields.map(f => textInput(`t-${f.id}`, { class: 'nhsuk-input nhsuk-input--width-5', inputmode: 'decimal', autocomplete: 'off' }));
  const saved = new Set<string>(); // fields already written: a retry after a failure does not write them twice
  const form = h('form', { novalidate: true, id: 'template-form' },
    field('review-date', 'Date of the review', date),
    template.fields.map((f, i) => h('div', { id: `group-${f.id}` }, field(`t-${f.id}`, f.label, inputs[i]))),
    button(`Save the ${template.title.toLowerCase()}`, { id: 'save-template' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const values: Record<string, string> = {};
    template.fields.forEach((f, i) => { if (!saved.has(f.id)) values[f.id] = inputs[i].value; });
    const { entries, errors: invalid } = entriesOf(template, values, date.value || today());
    template.fields.forEach((f, i) => inputs[i].classList.toggle('nhsuk-input--error', Boolean(invalid[f.id])));
    if (Object.keys(invalid).length) {
      errors.replaceChildren(errorSummary('There is a problem', Object.values(invalid).join('. ') + '.'));
      return;
    }
    if (entries.length === 0) {
      errors.replaceChildren(errorSummary('There is a problem', 'Fill in at least one value.'));
      return;
    }
    const fieldOf = (e: NewEntry) => template.fields.find(f => f.code === e.content.code?.code)!;
    for (let i = 0; i < entries.length; i++) {
      progress.textContent = `Saving ${i + 1} of ${entries.length}…`;
      try {
        await ok(api.POST('/api/patients/{nhsNumber}/entries', { params: { path: { nhsNumber: nhs } }, body: entries[i] }));
        const f = fieldOf(entries[i]);
        saved.add(f.id);
        inputs[template.fields.indexOf(f)].setAttribute('readonly', '');
      } catch (e) {
        progress.textContent = '';
        errors.replaceChildren(errorSummary(`${i} of ${entries.length} saved; the rest were not`, `${(e as Error).message} What you typed is still here: the saved values are locked, press save again to save the rest.`));
        return;
      }
    }
    progress.textContent = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} saved.`;
    location.hash = `#/patients/${nhs}`;
  });
  show(template.title, back(nhs), h('h1', { class: 'nhsuk-heading-l' }, template.title),
    h('p', { class: 'nhsuk-body' }, `One form, one coded entry per value you fill in, for the patient with NHS number ${formatNhsNumber(nhs)}. Leave a value blank to record nothing for it.`),
    errors, form, progress);
}

async function entryPage(nhs: string, entry: string): Promise<void> {
  show('Entry history', h('h1', { class: 'nhsuk-heading-l' }, 'Loading the entry…'));
  let history: components['schemas']['EntryHistory'];
  try {
    history = await ok(api.GET('/api/patients/{nhsNumber}/entries/{entry}/history', { params: { path: { nhsNumber: nhs, entry }, query: { purpose: 'DIRECT_CARE' } } }));
  } catch (e) {
    show('Entry history', back(nhs), h('h1', { class: 'nhsuk-heading-l' }, 'Entry history'), errorSummary('There is a problem', (e as Error).message));
    return;
  }
  const changes = history.changes ?? [];
  const latest = [...changes].reverse().find(c => c.content) ?? changes[changes.length - 1];
  const readVersion = history.latestVersion ?? 1; // what If-Match sends: the version this page shows
  const errors = h('div', { id: 'errors' });
  const term = textInput('amend-term', { class: 'nhsuk-input', value: latest?.content?.displayTerm ?? latest?.content?.text ?? '' });
  const reason = h('textarea', { class: 'nhsuk-textarea', id: 'amend-reason', name: 'amend-reason', rows: 2 });
  const amend = h('form', { id: 'amend-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Amend'),
    field('amend-term', latest?.content?.code ? 'Term' : 'Text', term), field('amend-reason', 'Reason for the amendment', reason), button('Save the amendment', { class: 'nhsuk-button' }));
  const conflict = (e: unknown) => e instanceof ApiError && (e.kind === 'stale-version' || e.kind === 'concurrent-change');
  amend.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    if (!reason.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Give a reason for the amendment.')); return; }
    const content = { ...(latest?.content ?? {}) };
    if (content.code) content.displayTerm = term.value; else content.text = term.value;
    try {
      await ok(api.POST('/api/patients/{nhsNumber}/entries/{entry}/amendments', { params: { path: { nhsNumber: nhs, entry }, header: { 'If-Match': `"${readVersion}"` } }, body: { content, reason: reason.value } }));
      await entryPage(nhs, entry);
    } catch (e) {
      errors.replaceChildren(errorSummary(conflict(e) ? 'Someone else changed this entry first' : 'The amendment was not saved', (e as Error).message),
        conflict(e) ? h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: `#/patients/${nhs}/entries/${entry}`, id: 'reload-latest', onclick: ((ev: Event) => { ev.preventDefault(); void entryPage(nhs, entry); }) as EventListener }, 'Show the latest version')) : '');
    }
  });
  const errorReason = h('textarea', { class: 'nhsuk-textarea', id: 'error-reason', name: 'error-reason', rows: 2 });
  const inError = h('form', { id: 'in-error-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Entered in error'),
    field('error-reason', 'Why it was entered in error', errorReason), button('Mark as entered in error', { class: 'nhsuk-button nhsuk-button--warning' }));
  inError.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    if (!errorReason.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Say why it was entered in error.')); return; }
    try {
      await ok(api.POST('/api/patients/{nhsNumber}/entries/{entry}/entered-in-error', { params: { path: { nhsNumber: nhs, entry }, header: { 'If-Match': `"${readVersion}"` } }, body: { reason: errorReason.value } }));
      location.hash = `#/patients/${nhs}`;
    } catch (e) {
      errors.replaceChildren(errorSummary(conflict(e) ? 'Someone else changed this entry first' : 'Not marked in error', (e as Error).message));
    }
  });
  show('Entry history', back(nhs), h('span', { class: 'nhsuk-caption-l' }, 'Entry history'),
    h('h1', { class: 'nhsuk-heading-l', id: 'entry-title' }, latest?.content?.displayTerm ?? latest?.content?.text ?? 'Entry'),
    h('p', { class: 'nhsuk-body', id: 'entry-version' }, `Version ${readVersion}. Every version you may see, oldest first; this look was recorded.`),
    table('Versions', ['When', 'Change', 'By', 'Version', 'What it said', 'Reason'], changes.map(c => [
      formatDateTime(c.at), (c.change ?? '').toLowerCase().replace(/_/g, ' '), `${roleName(c.byRole)} at ${c.byOrganisation ?? ''}`,
      String(c.version ?? ''), c.content ? `${c.content.displayTerm ?? c.content.text ?? ''}${c.content.value ? ` ${c.content.value.value} ${c.content.value.unit ?? ''}` : ''}` : '', c.reason ?? ''])),
    errors, amend, inError);
}

function consentForm(nhs: string): void {
  const errors = h('div', { id: 'errors' });
  const done = h('div', { 'aria-live': 'polite' });
  const org = textInput('c-organisation', { class: 'nhsuk-input nhsuk-input--width-10' });
  const kind = select('c-kind', [['SHARE_OUT', 'Share the record from this organisation'], ['SHARE_IN', 'Let this organisation see the shared record'], ['DISSENT', 'Opt out of sharing altogether'], ['DISSENT_WITHDRAWAL', 'Withdraw the opt-out']]);
  const decision = select('c-decision', [['GRANTED', 'The patient agrees'], ['REFUSED', 'The patient does not agree']]);
  const method = select('c-method', [['VERBAL', 'Told to me'], ['WRITTEN', 'In writing']]);
  const form = h('form', {}, field('c-kind', 'What the patient decided about', kind), field('c-organisation', 'Organisation code (for sharing decisions)', org),
    field('c-decision', 'Decision', decision), field('c-method', 'How the patient told you', method), button('Record the decision'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const path = { params: { path: { nhsNumber: nhs } } };
    try {
      if (kind.value === 'DISSENT') await ok(api.POST('/api/patients/{nhsNumber}/consent/dissent', { ...path, body: { method: method.value as 'VERBAL' } }));
      else if (kind.value === 'DISSENT_WITHDRAWAL') await ok(api.POST('/api/patients/{nhsNumber}/consent/dissent/withdrawal', { ...path, body: { method: method.value as 'VERBAL' } }));
      else {
        if (!org.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Enter the organisation code.')); return; }
        await ok(api.POST('/api/patients/{nhsNumber}/consent/decisions', { ...path, body: { organisation: org.value.trim().toUpperCase(), direction: kind.value as 'SHARE_OUT', decision: decision.value as 'GRANTED', method: method.value as 'VERBAL' } }));
      }
      done.replaceChildren(inset(h('p', { role: 'status', id: 'consent-saved' }, 'Recorded on the patient\'s behalf, with your name, role and organisation.')));
    } catch (e) {
      errors.replaceChildren(errorSummary('Nothing was recorded', (e as Error).message));
    }
  });
  show('Record consent', back(nhs), h('h1', { class: 'nhsuk-heading-l' }, 'Record the patient\'s consent'), errors, form, done);
}

function grantForm(nhs: string): void {
  const errors = h('div', { id: 'errors' });
  const done = h('div', { 'aria-live': 'polite', id: 'grants-done' });
  const kind = select('g-kind', [['ORGANISATION', 'An organisation'], ['TEAM', 'A team'], ['USER', 'A person (user id)']]);
  const id = textInput('g-id', { class: 'nhsuk-input nhsuk-input--width-20' });
  const reason = select('g-reason', [['REFERRAL', 'Referral'], ['CASELOAD', 'Caseload'], ['SOCIAL_CARE_ALLOCATION', 'Social care allocation'], ['OUTPATIENT_REFERRAL', 'Outpatient referral'], ['OUT_OF_HOURS_EPISODE', 'Out-of-hours episode']]);
  const days = textInput('g-days', { class: 'nhsuk-input nhsuk-input--width-3', value: '30', inputmode: 'numeric' });
  const boxes = WRITABLE.concat(['DEMOGRAPHICS' as Section]).map(s => h('div', { class: 'nhsuk-checkboxes__item' },
    h('input', { class: 'nhsuk-checkboxes__input', id: `g-s-${s}`, name: 'g-sections', type: 'checkbox', value: s }),
    h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: `g-s-${s}` }, sectionName(s))));
  const form = h('form', { id: 'grant-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Give access'),
    field('g-kind', 'Who', kind), field('g-id', 'Their code or id', id, 'An ODS code (for example RCX), a team id or a user id'),
    field('g-reason', 'Why', reason), field('g-days', 'For how many days', days),
    h('fieldset', { class: 'nhsuk-fieldset' }, h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Which parts of the record'), h('div', { class: 'nhsuk-checkboxes' }, boxes)),
    button('Give access'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const sections = [...form.querySelectorAll<HTMLInputElement>('input[name=g-sections]:checked')].map(b => b.value as Section);
    if (!id.value.trim() || sections.length === 0) { errors.replaceChildren(errorSummary('There is a problem', 'Enter who gets access and choose at least one part of the record.')); return; }
    const until = new Date(Date.now() + Math.max(1, Number(days.value) || 1) * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const granted = await ok(api.POST('/api/patients/{nhsNumber}/grants', { params: { path: { nhsNumber: nhs } }, body: {
        grantee: { kind: kind.value as 'ORGANISATION', id: id.value.trim() }, reason: reason.value as 'REFERRAL', sections, validUntil: until } }));
      done.replaceChildren(inset(h('p', { role: 'status', id: 'granted' }, `Access given until ${formatDate(until)} (grant ${granted.grant}).`)));
      (revoke.querySelector('#r-grant') as HTMLInputElement).value = granted.grant ?? '';
    } catch (e) {
      errors.replaceChildren(errorSummary('Access was not given', (e as Error).message));
    }
  });
  const revoke = h('form', { id: 'revoke-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Revoke access'),
    field('r-grant', 'Grant id', textInput('r-grant', { class: 'nhsuk-input nhsuk-input--width-30' })),
    field('r-reason', 'Reason', h('textarea', { class: 'nhsuk-textarea', id: 'r-reason', name: 'r-reason', rows: 2 })),
    button('Revoke access', { class: 'nhsuk-button nhsuk-button--warning' }));
  revoke.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const grant = (revoke.querySelector('#r-grant') as HTMLInputElement).value.trim();
    const why = (revoke.querySelector('#r-reason') as HTMLTextAreaElement).value.trim();
    if (!grant || !why) { errors.replaceChildren(errorSummary('There is a problem', 'Enter the grant id and a reason.')); return; }
    try {
      await ok(api.POST('/api/patients/{nhsNumber}/grants/{grant}/revocation', { params: { path: { nhsNumber: nhs, grant } }, body: { reason: why } }));
      done.replaceChildren(inset(h('p', { role: 'status', id: 'revoked' }, 'Access revoked. It ends now, for every reader it covered.')));
    } catch (e) {
      errors.replaceChildren(errorSummary('Access was not revoked', (e as Error).message));
    }
  });
  show('Give or revoke access', back(nhs), h('h1', { class: 'nhsuk-heading-l' }, 'Give or revoke access'), errors, form, done, revoke);
}

function breakGlass(nhs: string): void {
  const errors = h('div', { id: 'errors' });
  const reason = h('textarea', { class: 'nhsuk-textarea', id: 'bg-reason', name: 'bg-reason', rows: 3, maxlength: 2000 });
  const form = h('form', { id: 'break-glass-form' },
    h('div', { class: 'nhsuk-warning-callout' }, h('h2', { class: 'nhsuk-warning-callout__label' }, 'Emergency access is always reviewed'),
      h('p', {}, 'Use it only when the patient needs care now and there is no other way to see their record. It lasts at most four hours, raises an alert for information governance, and the patient is told.')),
    field('bg-reason', 'Why you need the record now', reason), button('Use emergency access', { class: 'nhsuk-button nhsuk-button--warning' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    if (!reason.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Give the reason for emergency access.')); return; }
    try {
      const emergency = await ok(api.POST('/api/patients/{nhsNumber}/emergency-access', { params: { path: { nhsNumber: nhs } }, body: { reason: reason.value } }));
      if (emergency.validUntil) rememberEmergency(nhs, emergency.validUntil);
      location.hash = `#/patients/${nhs}?purpose=EMERGENCY_CARE`;
    } catch (e) {
      errors.replaceChildren(errorSummary('Emergency access was not given', (e as Error).message));
    }
  });
  show('Emergency access', back(nhs), h('h1', { class: 'nhsuk-heading-l' }, 'Emergency access (break glass)'), h('p', { class: 'nhsuk-body' }, `For the patient with NHS number ${formatNhsNumber(nhs)}.`), errors, form);
}

let ticking: number | undefined;

/** The visible countdown on a record opened by emergency access; updates every second, announced politely each minute. */
export function countdownBanner(nhs: string): HTMLElement | null {
  const until = emergencyUntil(nhs);
  if (!until) return null;
  const text = h('p', { class: 'careledger-countdown', id: 'countdown' }, remaining(until, Date.now()));
  const announce = h('p', { class: 'nhsuk-u-visually-hidden', 'aria-live': 'polite', id: 'countdown-announce' }, remaining(until, Date.now()));
  window.clearInterval(ticking);
  let lastMinute = new Date().getUTCMinutes();
  ticking = window.setInterval(() => {
    if (!text.isConnected) { window.clearInterval(ticking); return; }
    text.textContent = remaining(until, Date.now());
    if (new Date().getUTCMinutes() !== lastMinute) { lastMinute = new Date().getUTCMinutes(); announce.textContent = text.textContent; }
  }, 1000);
  return h('div', { class: 'nhsuk-warning-callout', id: 'emergency-banner' },
    h('h2', { class: 'nhsuk-warning-callout__label' }, 'Emergency access'),
    summaryList([['Ends', formatDateTime(until)], ['Time left', text]]), announce);
}
