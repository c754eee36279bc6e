// The IG console: the alert queue with review and outcome, audit search with filters and charts, who has seen an
// entry, who could have seen a record on a date, a patient's access history exported (FHIR AuditEvents).
import { api, ok } from '../client';
import { button, errorSummary, field, formatDateTime, h, inset, select, show, summaryList, table, textInput } from '../dom';
import { perDay } from '../charts';
import { barChart } from '../chart';
import { formatNhsNumber, normaliseNhsNumber, roleName, sectionName } from '../words';
import type { components } from '../api/schema';

type AuditRecord = components['schemas']['AuditRecord'];

const KINDS: Record<string, string> = {
  UNRECOGNISED_ACCESS: 'Patient does not recognise an access', EMERGENCY_ACCESS: 'Emergency access (break glass)',
  REPEATED_REFUSALS: 'Repeated refusals', OUT_OF_HOURS: 'Access out of hours',
};
const OUTCOMES: [string, string][] = [['NO_CONCERN', 'No concern'], ['APPROPRIATE_ACCESS_CONFIRMED', 'Appropriate access confirmed'],
  ['INAPPROPRIATE_ACCESS', 'Inappropriate access'], ['REFERRED_FOR_INVESTIGATION', 'Referred for investigation']];
const STATUS: Record<string, string> = { OPEN: 'Open', UNDER_REVIEW: 'Under review', CLOSED: 'Closed' };

function kindName(kind: string | undefined): string {
  return kind ? KINDS[kind] ?? kind.toLowerCase().replace(/_/g, ' ') : '';
}

function failed(title: string, e: unknown): void {
  show(title, h('h1', { class: 'nhsuk-heading-l' }, title), errorSummary('There is a problem', (e as Error).message));
}

function iso(date: string, endOfDay = false): string | undefined {
  return date ? `${date}T${endOfDay ? '23:59:59' : '00:00:00'}Z` : undefined;
}

export async function igRoutes(parts: string[], params: URLSearchParams): Promise<void> {
  if (parts.length === 0) await alertQueue(params.get('status') ?? 'OPEN');
  else if (parts[0] === 'alerts' && parts[1]) await alertCase(parts[1]);
  else if (parts[0] === 'search') await auditSearch(params);
  else if (parts[0] === 'entries' && parts[1]) await entryReaders(parts[1]);
  else if (parts[0] === 'who-could-see') await whoCouldSee(params);
  else show('Not found', h('h1', { class: 'nhsuk-heading-l' }, 'Page not found'), h('p', { class: 'nhsuk-body' }, 'There is no such page in the IG console.'));
}

async function alertQueue(status: string): Promise<void> {
  show('Alerts', h('h1', { class: 'nhsuk-heading-l' }, 'Loading alerts…'));
  try {
    const page = await ok(api.GET('/api/audit/alerts', { params: { query: { status: status as 'OPEN', size: 200 } } }));
    const items = page.items ?? [];
    const filter = h('form', { class: 'careledger-inline-form', id: 'status-form' },
      field('status', 'Show alerts that are', select('status', Object.entries(STATUS))),
      button('Show', { class: 'nhsuk-button nhsuk-button--secondary' }));
    (filter.querySelector('#status') as HTMLSelectElement).value = status;
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      location.hash = `#/ig?status=${(filter.querySelector('#status') as HTMLSelectElement).value}`;
    });
    const shaped = perDay(items.map(a => ({ at: a.raisedAt ?? '', category: kindName(a.kind) })).filter(i => i.at));
    show('Alerts', h('h1', { class: 'nhsuk-heading-l' }, 'Alerts'),
      h('p', { class: 'nhsuk-body' }, 'Alerts are raised by the audit trail: emergency access, repeated refusals, and accesses a patient does not recognise. Review each one and close it with an outcome; every step is recorded.'),
      filter,
      items.length === 0 ? inset(h('p', { id: 'no-alerts' }, `No ${STATUS[status]?.toLowerCase() ?? ''} alerts.`)) :
        table(`${STATUS[status]} alerts, newest first`, ['Raised', 'Kind', 'Patient', 'Status', ''], items.map(a => [
          formatDateTime(a.raisedAt), kindName(a.kind), formatNhsNumber(a.patient), STATUS[a.status ?? ''] ?? '',
          h('a', { class: 'nhsuk-link', href: `#/ig/alerts/${a.alertId}`, 'data-kind': a.kind ?? '' }, 'Open', h('span', { class: 'nhsuk-u-visually-hidden' }, ` alert raised ${formatDateTime(a.raisedAt)}`))])),
      shaped.days.length > 1 ? barChart('Alerts per day by kind', 'chart-alerts', shaped.days, shaped.categories, shaped.counts) : null);
  } catch (e) {
    failed('Alerts', e);
  }
}

async function alertCase(id: string): Promise<void> {
  show('Alert', h('h1', { class: 'nhsuk-heading-l' }, 'Loading the alert…'));
  try {
    const c = await ok(api.GET('/api/audit/alerts/{alert}', { params: { path: { alert: id } } }));
    const a = c.alert ?? {};
    const errors = h('div', { id: 'errors' });
    const note = h('textarea', { class: 'nhsuk-textarea', id: 'review-note', name: 'review-note', rows: 3, maxlength: 2000 });
    const review = h('form', { id: 'review-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Record a review'),
      field('review-note', 'What you did or found', note), button('Save review', { class: 'nhsuk-button nhsuk-button--secondary' }));
    review.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.replaceChildren();
      if (!note.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Write a note about the review.')); return; }
      try {
        await ok(api.POST('/api/audit/alerts/{alert}/review', { params: { path: { alert: id } }, body: { note: note.value } }));
        await alertCase(id);
      } catch (err) { errors.replaceChildren(errorSummary('The review was not saved', (err as Error).message)); }
    });
    const outcome = select('outcome', OUTCOMES);
    const closeNote = h('textarea', { class: 'nhsuk-textarea', id: 'close-note', name: 'close-note', rows: 3, maxlength: 2000 });
    const close = h('form', { id: 'close-form' }, h('h2', { class: 'nhsuk-heading-m' }, 'Close the case'),
      field('outcome', 'Outcome', outcome), field('close-note', 'Why', closeNote, 'The patient sees the outcome, never this note.'),
      button('Close the case', { class: 'nhsuk-button' }));
    close.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.replaceChildren();
      if (!closeNote.value.trim()) { errors.replaceChildren(errorSummary('There is a problem', 'Say why you are closing the case.')); return; }
      try {
        await ok(api.POST('/api/audit/alerts/{alert}/close', { params: { path: { alert: id } }, body: { outcome: outcome.value as 'NO_CONCERN', note: closeNote.value } }));
        await alertCase(id);
      } catch (err) { errors.replaceChildren(errorSummary('The case was not closed', (err as Error).message)); }
    });
    show('Alert', h('span', { class: 'nhsuk-caption-l' }, 'Alert'), h('h1', { class: 'nhsuk-heading-l' }, kindName(a.kind)),
      summaryList([
        ['Status', h('strong', { class: 'nhsuk-tag', id: 'alert-status' }, STATUS[a.status ?? ''] ?? '')],
        ['Outcome', OUTCOMES.find(o => o[0] === a.outcome)?.[1] ?? '—'],
        ['Raised', formatDateTime(a.raisedAt)],
        ['Patient', a.patient ? h('a', { class: 'nhsuk-link', href: `#/ig/search?patient=${a.patient}` }, formatNhsNumber(a.patient)) : ''],
        ['Staff member', a.user ? h('a', { class: 'nhsuk-link', href: `#/ig/search?user=${a.user}` }, a.user) : ''],
        ['Detail', a.detail ?? ''],
      ]),
      (c.actions ?? []).length ? table('What has been done', ['When', 'Action', 'By', 'Outcome', 'Note'], (c.actions ?? []).map(x => [
        formatDateTime(x.at), x.action ?? '', `${roleName(x.role)} at ${x.organisation ?? ''}`, x.outcome ?? '', x.note ?? ''])) : null,
      errors,
      a.status === 'CLOSED' ? inset(h('p', {}, 'This case is closed. A closed case cannot be changed.')) : [review, close],
      h('a', { class: 'nhsuk-link', href: '#/ig' }, 'Back to alerts'));
  } catch (e) {
    failed('Alert', e);
  }
}

async function auditSearch(params: URLSearchParams): Promise<void> {
  const patient = params.get('patient') ?? '';
  const user = params.get('user') ?? '';
  const basis = params.get('basis') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const form = h('form', { id: 'search-form' },
    field('patient', 'Patient NHS number', textInput('patient', { value: patient, class: 'nhsuk-input nhsuk-input--width-10', inputmode: 'numeric' })),
    field('user', 'Or staff member (user id)', textInput('user', { value: user, class: 'nhsuk-input nhsuk-input--width-30' })),
    field('basis', 'Basis', select('basis', [['', 'Any'], ['REGISTERED', 'Registered'], ['GRANT', 'Grant'], ['EMERGENCY', 'Emergency'], ['SELF', 'The patient']])),
    h('div', { class: 'careledger-inline-form' },
      field('from', 'From', h('input', { class: 'nhsuk-input', type: 'date', id: 'from', name: 'from', value: from })),
      field('to', 'To', h('input', { class: 'nhsuk-input', type: 'date', id: 'to', name: 'to', value: to }))),
    button('Search the audit trail', { id: 'search' }));
  (form.querySelector('#basis') as HTMLSelectElement).value = basis;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const id of ['patient', 'user', 'basis', 'from', 'to']) {
      const v = (form.querySelector(`#${id}`) as HTMLInputElement).value.trim();
      if (v) q.set(id, id === 'patient' ? normaliseNhsNumber(v) : v);
    }
    location.hash = `#/ig/search?${q}`;
  });
  const intro = [h('h1', { class: 'nhsuk-heading-l' }, 'Audit search'),
    h('p', { class: 'nhsuk-body' }, 'A patient\'s or a staff member\'s timeline of reads, refusals and emergencies. Your searches are recorded too.')];
  if (!patient && !user) {
    show('Audit search', ...intro, form);
    return;
  }
  show('Audit search', ...intro, form, h('p', { class: 'nhsuk-body', role: 'status' }, 'Searching…'));
  try {
    const query = { basis: (basis || undefined) as 'GRANT' | undefined, from: iso(from), to: iso(to, true), size: 200 };
    const page = patient
      ? await ok(api.GET('/api/audit/patients/{nhsNumber}/accesses', { params: { path: { nhsNumber: patient }, query } }))
      : await ok(api.GET('/api/audit/users/{user}/accesses', { params: { path: { user }, query } }));
    const items = page.items ?? [];
    const shaped = perDay(items.filter(r => r.at).map(r => ({ at: r.at!, category: r.basis ?? (r.refusalReason ? 'REFUSED' : r.kind ?? '') })));
    const byUser = new Map<string, number>();
    items.forEach(r => byUser.set(`${roleName(r.role)} at ${r.organisation ?? ''} (${r.user ?? ''})`, (byUser.get(`${roleName(r.role)} at ${r.organisation ?? ''} (${r.user ?? ''})`) ?? 0) + 1));
    const top = [...byUser.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const exportStatus = h('p', { class: 'nhsuk-body', 'aria-live': 'polite', id: 'export-status' });
    const exportButton = patient ? button('Export this patient\'s access history (FHIR)', { type: 'button', id: 'export', class: 'nhsuk-button nhsuk-button--secondary' }) : null;
    exportButton?.addEventListener('click', async () => {
      exportStatus.textContent = 'Preparing the export…';
      try {
        const blob = await ok(api.GET('/fhir/AuditEvent', { params: { query: { patient, from: iso(from) ?? iso('2000-01-01'), to: iso(to, true) } }, parseAs: 'blob' })) as unknown as Blob;
        const a = h('a', { href: URL.createObjectURL(blob), download: `access-history-${patient}.json` });
        document.body.appendChild(a); a.click(); a.remove();
        exportStatus.textContent = 'The access history was exported as FHIR AuditEvents (JSON). The export was recorded.';
      } catch (e) { exportStatus.textContent = (e as Error).message; }
    });
    show('Audit search', ...intro, form,
      h('h2', { class: 'nhsuk-heading-m', id: 'result-count' }, `${items.length} ${items.length === 1 ? 'record' : 'records'}${page.next ? ' (more: narrow the dates)' : ''}`),
      exportButton, exportStatus,
      shaped.days.length ? barChart('Accesses per day by basis', 'chart-accesses', shaped.days, shaped.categories, shaped.counts) : null,
      top.length ? table('Top users in these results', ['Who', 'Records'], top.map(([k, n]) => [k, String(n)])) : null,
      items.length ? table('Timeline, newest first', ['When', 'What', 'Who', 'Basis and purpose', 'Entries seen'], items.map(r => [
        formatDateTime(r.at), describe(r), `${roleName(r.role)} at ${r.organisation ?? ''}`,
        [r.basis, r.purpose].filter(Boolean).join(', ').toLowerCase().replace(/_/g, ' '),
        disclosed(r)])) : null);
  } catch (e) {
    show('Audit search', ...intro, form, errorSummary('There is a problem', (e as Error).message));
  }
}

function describe(r: AuditRecord): string {
  if (r.refusalReason) return `Refused (${r.refusalReason.toLowerCase().replace(/_/g, ' ')})`;
  if (r.kind === 'EMERGENCY_ACCESS_DECLARED' || r.emergencyUntil) return `Emergency access until ${formatDateTime(r.emergencyUntil)}`;
  return `${(r.kind ?? '').toLowerCase().replace(/_/g, ' ')}${r.withheld ? `, ${r.withheld} withheld` : ''}`;
}

function disclosed(r: AuditRecord): HTMLElement | string {
  const list = r.disclosed ?? [];
  if (!list.length) return '';
  return h('ul', { class: 'nhsuk-list nhsuk-body-s' }, list.slice(0, 5).map(d => {
    const id = typeof d.entry === 'string' ? d.entry : (d.entry as { value?: string } | undefined)?.value ?? '';
    return h('li', {}, h('a', { class: 'nhsuk-link', href: `#/ig/entries/${id}` }, `${sectionName(d.section ?? '')} v${d.version}`,
      h('span', { class: 'nhsuk-u-visually-hidden' }, `: who has seen entry ${id}`)));
  }), list.length > 5 ? h('li', {}, `and ${list.length - 5} more`) : null);
}

async function entryReaders(entry: string): Promise<void> {
  show('Who has seen an entry', h('h1', { class: 'nhsuk-heading-l' }, 'Loading…'));
  try {
    const page = await ok(api.GET('/api/audit/entries/{entry}/readers', { params: { path: { entry }, query: { size: 200 } } }));
    const items = page.items ?? [];
    show('Who has seen an entry', h('h1', { class: 'nhsuk-heading-l' }, 'Who has seen this entry'),
      h('p', { class: 'nhsuk-body' }, `Entry ${entry}. IG never sees what an entry says; this is who was shown which version, and why.`),
      items.length === 0 ? inset(h('p', {}, 'Nobody has been shown this entry.')) :
        table('Readings, newest first', ['When', 'Who', 'Basis', 'Purpose', 'Version'], items.map(r => [
          formatDateTime(r.at), `${roleName(r.role)} at ${r.organisation ?? ''}`, (r.basis ?? '').toLowerCase(), (r.purpose ?? '').toLowerCase().replace(/_/g, ' '), String(r.version ?? '')])));
  } catch (e) {
    failed('Who has seen an entry', e);
  }
}

async function whoCouldSee(params: URLSearchParams): Promise<void> {
  const patient = params.get('patient') ?? '';
  const at = params.get('at') ?? '';
  const form = h('form', { id: 'who-could-see-form' },
    field('wcs-patient', 'Patient NHS number', textInput('wcs-patient', { value: patient, class: 'nhsuk-input nhsuk-input--width-10', inputmode: 'numeric' })),
    field('wcs-at', 'On (date and time, UTC)', h('input', { class: 'nhsuk-input', type: 'datetime-local', id: 'wcs-at', name: 'wcs-at', value: at })),
    button('Show who could see it'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const p = normaliseNhsNumber((form.querySelector('#wcs-patient') as HTMLInputElement).value);
    const a = (form.querySelector('#wcs-at') as HTMLInputElement).value;
    location.hash = `#/ig/who-could-see?patient=${p}&at=${encodeURIComponent(a)}`;
  });
  const intro = [h('h1', { class: 'nhsuk-heading-l' }, 'Who could see a record on a date'),
    h('p', { class: 'nhsuk-body' }, 'Replays the ledger to that moment: who had a basis to read the record, and which sections.')];
  if (!patient || !at) { show('Who could see', ...intro, form); return; }
  try {
    const answer = await ok(api.GET('/api/audit/patients/{nhsNumber}/who-could-see', { params: { path: { nhsNumber: patient }, query: { at: `${at.length === 16 ? `${at}:00` : at}Z` } } }));
    const readers = answer.readers ?? [];
    show('Who could see', ...intro, form,
      h('p', { class: 'nhsuk-body', id: 'wcs-summary' }, `At ${formatDateTime(answer.at)}, under sharing policy ${answer.policyVersion}, ${readers.length} ${readers.length === 1 ? 'person or organisation' : 'people or organisations'} could read this record (registered at ${answer.registeredPractice ?? 'no practice'}; ${answer.entries} entries).`),
      readers.length ? table('Who could read it', ['Who', 'Basis', 'Sections (entries)', 'Withheld'], readers.map(r => [
        `${roleName(r.role)} at ${r.organisation ?? ''}${r.user ? ` (${r.user})` : ''}`, (r.basis ?? '').toLowerCase(),
        Object.entries(r.sections ?? {}).map(([s, n]) => `${sectionName(s)} (${n})`).join(', '), String(r.withheld ?? 0)])) : null);
  } catch (e) {
    show('Who could see', ...intro, form, errorSummary('There is a problem', (e as Error).message));
  }
}
