// "View as" (ADR 24): a GP (for a record they can open) or an IG officer previews what someone in another role at an
// organisation would see of this record now. The server decides with the real policy and records the preview; a GP
// is shown only entries they may see themselves, an IG officer only which entries (ids and sections), never content.
import { api, ok } from '../client';
import { button, errorSummary, field, formatDate, h, inset, select, show, table } from '../dom';
import { formatNhsNumber, PREVIEWABLE_ROLES, previewSentences, roleName, sectionName, SECTION_ORDER } from '../words';
import type { components } from '../api/schema';

type Preview = components['schemas']['RecordPreviewView'];

export async function viewAsPage(nhs: string, params: URLSearchParams, home: string): Promise<void> {
  const role = params.get('role') ?? 'DISTRICT_NURSE';
  const organisation = params.get('organisation') ?? '';
  let organisations: { ods?: string; name?: string }[] = [];
  try {
    organisations = await ok(api.GET('/api/directory/organisations'));
  } catch { /* the form still works with a typed code */ }
  const roleSelect = select('view-as-role', PREVIEWABLE_ROLES);
  roleSelect.value = role;
  const orgSelect = select('view-as-organisation', [['', 'Choose an organisation'],
    ...organisations.map(o => [o.ods ?? '', `${o.name ?? o.ods} (${o.ods})`] as [string, string])]);
  orgSelect.value = organisation;
  const form = h('form', { novalidate: true, id: 'view-as-form' },
    field('view-as-role', 'Role', roleSelect),
    field('view-as-organisation', 'Organisation', orgSelect),
    button('Preview their view', { id: 'preview' }));
  const result = h('div', { id: 'preview-result', 'aria-live': 'polite' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!orgSelect.value) {
      result.replaceChildren(errorSummary('There is a problem', 'Choose an organisation.'));
      return;
    }
    location.hash = `${home}?patient=${nhs}&role=${roleSelect.value}&organisation=${orgSelect.value}`;
  });
  show('View as another role', h('span', { class: 'nhsuk-caption-l' }, `Record of ${formatNhsNumber(nhs)}`),
    h('h1', { class: 'nhsuk-heading-l' }, 'View as another role'),
    h('p', { class: 'nhsuk-body' }, 'See what someone in another role at an organisation would see of this record now, decided by the same rules that decide every read. You are shown only what you may see yourself. This preview is recorded.'),
    form, result);
  if (!organisation) return;
  result.replaceChildren(h('p', { class: 'nhsuk-body' }, 'Preparing the preview…'));
  try {
    const p = await ok(api.GET('/api/patients/{nhsNumber}/record/preview', { params: { path: { nhsNumber: nhs },
      query: { role: role as 'DISTRICT_NURSE', organisation, purpose: 'CARE_PLANNING' } } })) as Preview;
    result.replaceChildren(...renderPreview(p));
  } catch (e) {
    result.replaceChildren(errorSummary('The preview is not available', (e as Error).message));
  }
}

function renderPreview(p: Preview): HTMLElement[] {
  const who = `A ${roleName(p.asRole).toLowerCase()} at ${p.asOrganisation}`;
  const heading = `What a ${roleName(p.asRole).toLowerCase()} at ${p.asOrganisation} would see`;
  if (p.refused) {
    return [h('h2', { class: 'nhsuk-heading-m', id: 'preview-heading' }, heading),
      inset(h('p', { id: 'preview-refused' }, `${who} could not open this record: they have no reason on record to see it (the patient is not registered there, and there is no access grant to that organisation). They would be told the record is not available, and their attempt would be recorded.`)),
      h('p', { class: 'nhsuk-body-s' }, `This preview was recorded (audit event ${p.auditEvent}).`)];
  }
  const entries = p.entries ?? [];
  const bySection = new Map<string, typeof entries>();
  for (const e of entries) bySection.set(e.section ?? '', [...(bySection.get(e.section ?? '') ?? []), e]);
  const sections = SECTION_ORDER.filter(s => bySection.has(s));
  return [
    h('h2', { class: 'nhsuk-heading-m', id: 'preview-heading' }, heading),
    h('div', { class: 'nhsuk-inset-text', id: 'preview-summary' },
      p.basis === 'REGISTERED' ? h('p', {}, 'The patient is registered there.') : p.basis === 'GRANT' ? h('p', {}, 'Their organisation has been given access to parts of this record.') : null,
      previewSentences(p, who).map(s => h('p', {}, s)),
      p.contentShown ? null : h('p', { class: 'nhsuk-body-s' }, 'As an information governance officer you see which entries they would see, never what the entries say.')),
    // one heading per section: the table's caption names the section and how many entries they would see in it
    ...sections.map(s => {
      const shown = bySection.get(s)!;
      const caption = `${sectionName(s)}: ${shown.length} ${shown.length === 1 ? 'entry' : 'entries'} they would see`;
      return h('section', { id: `preview-${s}` }, p.contentShown
        ? table(caption, ['Date', 'Entry', 'Written at'], shown.map(e =>
          [formatDate(e.content?.effectiveDate), e.content?.displayTerm ?? e.content?.text ?? '', e.authoringOrganisation ?? '']))
        : table(caption, ['Entry id', 'Version'], shown.map(e => [e.entry ?? '', String(e.version ?? '')])));
    }),
    h('p', { class: 'nhsuk-body-s' }, `This preview was recorded (audit event ${p.auditEvent}).`),
  ];
}
