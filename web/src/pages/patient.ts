// The patient portal: my record, who looked at it, my consent, "I don't recognise this access", download as FHIR.
import { api, ok } from '../client';
import { button, errorSummary, field, formatDateTime, h, select, show, table, textInput } from '../dom';
import { renderRecord, type RecordView } from './record';

export function portalNav(): HTMLElement {
  return h('ul', { class: 'nhsuk-list' },
    h('li', {}, h('a', { class: 'nhsuk-link', href: '#/me' }, 'My record')),
    h('li', {}, h('a', { class: 'nhsuk-link', href: '#/me/accesses' }, 'Who has looked at my record')),
    h('li', {}, h('a', { class: 'nhsuk-link', href: '#/me/consent' }, 'Who my record is shared with')));
}

export async function myRecordPage(): Promise<void> {
  show('My record', h('h1', { class: 'nhsuk-heading-l' }, 'Loading your record…'));
  try {
    const record = await ok(api.GET('/api/me/record')) as RecordView;
    const status = h('p', { class: 'nhsuk-body', id: 'download-status', 'aria-live': 'polite' });
    const download = button('Download my record (FHIR)', { type: 'button', id: 'download', class: 'nhsuk-button nhsuk-button--secondary' });
    download.addEventListener('click', async () => {
      status.textContent = 'Preparing your download…';
      try {
        const blob = await ok(api.GET('/fhir/me/$everything', { parseAs: 'blob' })) as unknown as Blob;
        const a = h('a', { href: URL.createObjectURL(blob), download: `my-record-${record.patient}.json` });
        document.body.appendChild(a);
        a.click();
        a.remove();
        status.textContent = 'Your record has been downloaded as a FHIR file (JSON). Your download was recorded.';
      } catch (e) {
        status.textContent = (e as Error).message;
      }
    });
    show('My record', ...renderRecord(record, 'patient'), download, status, h('h2', { class: 'nhsuk-heading-m' }, 'More about your record'), portalNav());
  } catch (e) {
    show('My record', h('h1', { class: 'nhsuk-heading-l' }, 'My record'), errorSummary('There is a problem', (e as Error).message));
  }
}

export async function myAccessesPage(): Promise<void> {
  show('Who has looked at my record', h('h1', { class: 'nhsuk-heading-l' }, 'Loading…'));
  try {
    const history = await ok(api.GET('/api/me/access-history', { params: { query: { size: 50 } } }));
    const items = history.accesses ?? [];
    show('Who has looked at my record',
      h('h1', { class: 'nhsuk-heading-l' }, 'Who has looked at my record'),
      h('p', { class: 'nhsuk-body' }, 'Every time someone opens your record it is recorded here, newest first. If you do not recognise an access, tell us and our information governance team will look into it.'),
      items.length === 0 ? h('p', { class: 'nhsuk-body' }, 'Nobody has looked at your record yet.') : null,
      h('ul', { class: 'nhsuk-list', id: 'accesses' }, items.map((a, i) => h('li', { class: 'nhsuk-card' + (a.emergency ? ' nhsuk-card--care nhsuk-card--care--urgent' : ''), 'data-access': a.id ?? '' },
        h('div', { class: 'nhsuk-card__content' },
          h('h2', { class: 'nhsuk-heading-s' }, formatDateTime(a.at)),
          h('p', { class: 'nhsuk-body' }, a.summary ?? ''),
          a.emergency ? h('p', { class: 'nhsuk-body' }, h('strong', {}, 'Emergency access'), a.emergencyReason ? `: ${a.emergencyReason}` : '') : null,
          a.reported
            ? h('p', { class: 'nhsuk-body', 'data-report': a.reportStatus ?? '' }, a.reportSummary ?? 'You reported this access.')
            : reportForm(a.id ?? '', i))))),
      portalNav());
  } catch (e) {
    show('Who has looked at my record', h('h1', { class: 'nhsuk-heading-l' }, 'Who has looked at my record'), errorSummary('There is a problem', (e as Error).message));
  }
}

function reportForm(access: string, i: number): HTMLElement {
  const comment = h('textarea', { class: 'nhsuk-textarea', id: `comment-${i}`, name: `comment-${i}`, rows: 2, maxlength: 1000 });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', {},
    h('details', { class: 'nhsuk-details' },
      h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, "I don't recognise this access")),
      h('div', { class: 'nhsuk-details__text' },
        field(`comment-${i}`, 'Tell us why (optional)', comment),
        button('Report this access', { class: 'nhsuk-button nhsuk-button--warning' }))), out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await ok(api.POST('/api/me/access-history/{access}/report', { params: { path: { access } }, body: { comment: comment.value || undefined } }));
      out.replaceChildren(h('p', { class: 'nhsuk-body', role: 'status' }, 'Thank you. You reported this access; our information governance team will review it and you will see the outcome here.'));
      form.querySelector('details')?.remove();
    } catch (e) {
      out.replaceChildren(errorSummary('Your report was not sent', (e as Error).message));
    }
  });
  return form;
}

export async function myConsentPage(): Promise<void> {
  show('Who my record is shared with', h('h1', { class: 'nhsuk-heading-l' }, 'Loading…'));
  try {
    const consent = await ok(api.GET('/api/me/consent'));
    const decisions = consent.decisions ?? [];
    const errors = h('div', { id: 'errors' });
    const org = textInput('organisation', { class: 'nhsuk-input nhsuk-input--width-10', autocomplete: 'off' });
    const direction = select('direction', [['SHARE_OUT', 'Share my record from this organisation'], ['SHARE_IN', 'Let this organisation see my shared record']]);
    const decision = select('decision', [['GRANTED', 'Yes, I agree'], ['REFUSED', 'No, I do not agree']]);
    const form = h('form', { id: 'consent-form' },
      h('h2', { class: 'nhsuk-heading-m' }, 'Change a decision'),
      field('organisation', 'Organisation code', org, 'The code of the GP practice, trust or council, for example Y01211'),
      field('direction', 'What you are deciding', direction),
      field('decision', 'Your decision', decision),
      button('Save my decision', { id: 'save-consent' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.replaceChildren();
      if (!org.value.trim()) {
        errors.replaceChildren(errorSummary('There is a problem', 'Enter the organisation code.'));
        return;
      }
      try {
        await ok(api.POST('/api/me/consent/decisions', { body: {
          organisation: org.value.trim().toUpperCase(), direction: direction.value as 'SHARE_OUT', decision: decision.value as 'GRANTED', method: 'ONLINE_BY_PATIENT' } }));
        await myConsentPage();
        document.getElementById('main')!.prepend(h('div', { class: 'nhsuk-inset-text', role: 'status', id: 'saved' }, 'Your decision was saved and recorded as made by you, online.'));
      } catch (e) {
        errors.replaceChildren(errorSummary('Your decision was not saved', (e as Error).message));
      }
    });
    show('Who my record is shared with',
      h('h1', { class: 'nhsuk-heading-l' }, 'Who my record is shared with'),
      consent.dissentInForce ? h('div', { class: 'nhsuk-warning-callout' }, h('h2', { class: 'nhsuk-warning-callout__label' }, 'You have opted out'), h('p', {}, 'You have said your record must not be shared. Only your GP practice sees it, except in an emergency.')) : null,
      decisions.length === 0 ? h('p', { class: 'nhsuk-body' }, 'No decisions are recorded yet.') :
        table('Your decisions, per organisation', ['Organisation', 'What', 'Decision'], decisions.map(d => [
          `${d.organisationName ?? ''} (${d.organisation ?? ''})`, d.direction === 'SHARE_OUT' ? 'Share my record from here' : 'See my shared record',
          d.decision === 'GRANTED' ? 'Agreed' : 'Not agreed'])),
      errors, form, portalNav());
  } catch (e) {
    show('Who my record is shared with', h('h1', { class: 'nhsuk-heading-l' }, 'Who my record is shared with'), errorSummary('There is a problem', (e as Error).message));
  }
}
