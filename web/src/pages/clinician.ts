// Clinician: find a patient, open their record in the role's view.
import { api, ApiError, ok } from '../client';
import { button, errorSummary, field, h, select, show, textInput } from '../dom';
import { formatNhsNumber, normaliseNhsNumber } from '../words';
import { renderRecord, type RecordView } from './record';
import { countdownBanner, writeLinks } from './writes';

export const PURPOSES: [string, string][] = [
  ['DIRECT_CARE', 'Direct care'], ['MEDICATION_REVIEW', 'Medication review'], ['CARE_PLANNING', 'Care planning'],
  ['REFERRAL', 'Referral'], ['SAFEGUARDING', 'Safeguarding'], ['EMERGENCY_CARE', 'Emergency care'], ['ADMINISTRATION', 'Administration'],
];

export function findPatientPage(): void {
  const errors = h('div', { id: 'errors' });
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  const nhs = textInput('nhs-number', { inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', class: 'nhsuk-input nhsuk-input--width-10' });
  const surname = textInput('surname', { autocomplete: 'off', class: 'nhsuk-input nhsuk-input--width-20' });
  const born = h('input', { class: 'nhsuk-input nhsuk-input--width-10', id: 'birth-date', name: 'birth-date', type: 'date' });
  const form = h('form', { novalidate: true },
    field('nhs-number', 'NHS number', nhs, 'For example, 999 123 4567'),
    h('p', { class: 'nhsuk-body' }, 'Or search by surname and date of birth:'),
    field('surname', 'Surname', surname),
    field('birth-date', 'Date of birth', born),
    button('Find patient', { id: 'find' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    results.replaceChildren(h('p', { class: 'nhsuk-body' }, 'Searching…'));
    const number = normaliseNhsNumber(nhs.value);
    const body = number ? { nhsNumber: number } : { surname: surname.value.trim(), birthDate: born.value };
    if (!number && (!body.surname || !born.value)) {
      results.replaceChildren();
      errors.replaceChildren(errorSummary('There is a problem', 'Enter an NHS number, or a surname and a date of birth.'));
      return;
    }
    try {
      const matches = await ok(api.POST('/api/patients/search', { body }));
      if (matches.length === 0) {
        results.replaceChildren(h('p', { class: 'nhsuk-body', id: 'no-match' }, 'No patient matches. Check what you entered.'));
        return;
      }
      results.replaceChildren(h('h2', { class: 'nhsuk-heading-m' }, `${matches.length} ${matches.length === 1 ? 'patient' : 'patients'} found`),
        h('ul', { class: 'nhsuk-list' }, matches.map(m => h('li', {},
          h('a', { href: `#/patients/${m.nhsNumber}`, class: 'nhsuk-link' }, `NHS number ${formatNhsNumber(m.nhsNumber)}`),
          m.birthDate ? `, born ${m.birthDate}` : '', m.registeredPractice ? `, registered at ${m.registeredPractice}` : ''))));
      if (matches.length === 1 && number) location.hash = `#/patients/${matches[0].nhsNumber}`;
    } catch (e) {
      results.replaceChildren();
      errors.replaceChildren(errorSummary('There is a problem', (e as Error).message));
    }
  });
  show('Find a patient', h('h1', { class: 'nhsuk-heading-l' }, 'Find a patient'),
    h('p', { class: 'nhsuk-body' }, 'Every search and every record you open is recorded, with your name, role and organisation.'),
    errors, form, results);
}

export async function recordPage(nhsNumber: string, purpose: string, me: { role?: string }): Promise<void> {
  show('Opening record', h('h1', { class: 'nhsuk-heading-l' }, 'Opening the record…'));
  let record: RecordView;
  // marks for the page-time measurement (docs/benchmarks.md): request + JSON, DOM built, shown
  performance.clearMarks();
  performance.mark('record:request');
  try {
    record = await ok(api.GET('/api/patients/{nhsNumber}/record', { params: { path: { nhsNumber }, query: { purpose: purpose as 'DIRECT_CARE' } } })) as RecordView;
    performance.mark('record:data');
  } catch (e) {
    show('Record not available', h('h1', { class: 'nhsuk-heading-l' }, 'Record not available'),
      errorSummary('You cannot open this record', (e as Error).message),
      e instanceof ApiError && e.kind === 'record-not-available'
        ? [h('p', { class: 'nhsuk-body' }, 'If you are caring for this patient, ask their GP practice for a referral or an access grant.'),
          h('p', { class: 'nhsuk-body' }, 'If they need care now and there is no other way: ', h('a', { class: 'nhsuk-link', href: `#/patients/${nhsNumber}/emergency`, id: 'break-glass' }, 'use emergency access (break glass)'), '.')] : null,
      h('a', { class: 'nhsuk-link', href: '#/' }, 'Find another patient'));
    return;
  }
  const purposeForm = h('form', { class: 'careledger-inline-form', id: 'purpose-form' },
    field('purpose', 'Purpose of this look at the record', select('purpose', PURPOSES)),
    button('Open again for this purpose', { class: 'nhsuk-button nhsuk-button--secondary' }));
  (purposeForm.querySelector('#purpose') as HTMLSelectElement).value = purpose;
  purposeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/patients/${nhsNumber}?purpose=${(purposeForm.querySelector('#purpose') as HTMLSelectElement).value}`;
  });
  const history = (e: { entry?: string }) => `#/patients/${nhsNumber}/entries/${e.entry}`;
  const content = renderRecord(record, 'staff', history);
  performance.mark('record:built');
  show(`Record of ${formatNhsNumber(nhsNumber)}`, record.basis === 'EMERGENCY' ? countdownBanner(nhsNumber) : null,
    ...content, writeLinks(nhsNumber),
    me.role === 'GP' ? h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: `#/patients/${nhsNumber}/view-as`, id: 'view-as' }, 'View as another role'),
      ' — what a district nurse, social worker or pharmacist at an organisation would see of this record now') : null,
    purposeForm,
    h('p', { class: 'nhsuk-body-s' }, `This look at the record was recorded (audit event ${record.auditEvent}).`));
  performance.mark('record:shown');
}
