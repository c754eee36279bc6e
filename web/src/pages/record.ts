// A record as the reader may see it: summary first, then sections, charts of measurements, and the withheld
// entries explained in words. Used by the clinician's record and the patient's "my record".
import type { components } from '../api/schema';
import { h, inset, summaryList, table, formatDate, formatDateTime } from '../dom';
import { basisWords, formatNhsNumber, sectionName, SECTION_ORDER, withheldSentences } from '../words';
import { seriesOf } from '../charts';
import { lineChart } from '../chart';

export type RecordView = components['schemas']['RecordView'];
type Entry = components['schemas']['Entry'];

function what(e: Entry): string {
  return e.content?.displayTerm ?? e.content?.text ?? '';
}

function value(e: Entry): string {
  const v = e.content?.value;
  return v?.value !== undefined ? `${v.value}${v.unit ? ` ${v.unit}` : ''}` : '';
}

export function renderRecord(r: RecordView, audience: 'staff' | 'patient', entryLink?: (e: Entry) => HTMLElement): HTMLElement[] {
  const d = r.demographics ?? {};
  const name = [d.givenName, d.familyName].filter(Boolean).join(' ') || formatNhsNumber(r.patient);
  const entries = r.entries ?? [];
  const bySection = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = bySection.get(e.section ?? '') ?? [];
    list.push(e);
    bySection.set(e.section ?? '', list);
  }
  for (const list of bySection.values()) {
    list.sort((a, b) => (b.content?.effectiveDate ?? b.recordedAt ?? '').localeCompare(a.content?.effectiveDate ?? a.recordedAt ?? ''));
  }
  const sections = SECTION_ORDER.filter(s => bySection.has(s));
  const withheld = withheldSentences(r.withheld ?? 0, r.withheldReasons, audience);
  const latest = (s: string, n: number) => (bySection.get(s) ?? []).slice(0, n).map(what).filter(Boolean);

  const out: HTMLElement[] = [
    h('span', { class: 'nhsuk-caption-l' }, audience === 'patient' ? 'Your record' : 'Patient record'),
    h('h1', { class: 'nhsuk-heading-l', id: 'record-name' }, name),
    summaryList([
      ['NHS number', formatNhsNumber(r.patient)],
      ['Date of birth', formatDate(d.birthDate)],
      ['Address', [d.address?.line1, d.address?.line2, d.address?.town, d.address?.postcode].filter(Boolean).join(', ')],
      ['Why you can see it', basisWords(r.basis, audience) + (r.policyVersion ? ` (sharing policy version ${r.policyVersion})` : '')],
    ]),
    h('div', { class: 'nhsuk-inset-text', id: 'withheld' },
      h('h2', { class: 'nhsuk-heading-s' }, (r.withheld ?? 0) > 0 ? `${r.withheld} ${r.withheld === 1 ? 'entry is' : 'entries are'} not shown` : 'Nothing withheld'),
      withheld.map(s => h('p', {}, s)),
      (r.withheld ?? 0) > 0 ? h('p', { class: 'nhsuk-body-s' }, audience === 'patient'
        ? 'What these entries are is not shown here.'
        : 'What these entries are is not shown to you. If you need them for this patient\'s care, ask the patient or the organisation that wrote them.') : null),
    h('div', { class: 'nhsuk-card', id: 'summary' }, h('div', { class: 'nhsuk-card__content' },
      h('h2', { class: 'nhsuk-card__heading' }, 'Summary'),
      summaryList([
        ['Problems', latest('PROBLEMS', 5).join('; ') || 'None shown'],
        ['Medicines', latest('MEDICATIONS', 5).join('; ') || 'None shown'],
        ['Allergies', latest('ALLERGIES', 5).join('; ') || 'None shown'],
        ['Entries shown', `${entries.length} in ${sections.length} ${sections.length === 1 ? 'section' : 'sections'}`],
      ]))),
  ];
  if (sections.length > 1) {
    out.push(h('nav', { class: 'nhsuk-contents-list', 'aria-label': 'Sections of the record' },
      h('h2', { class: 'nhsuk-u-visually-hidden' }, 'Sections'),
      h('ol', { class: 'nhsuk-contents-list__list' }, sections.map(s =>
        h('li', { class: 'nhsuk-contents-list__item' }, h('a', { class: 'nhsuk-contents-list__link', href: `#section-${s}`, onclick: jump(`section-${s}`) }, sectionName(s)))))));
  }
  for (const s of sections) {
    const list = bySection.get(s)!;
    const charts = s === 'OBSERVATIONS' || s === 'TEST_RESULTS' ? seriesOf(list) : [];
    out.push(h('section', { id: `section-${s}`, 'aria-labelledby': `heading-${s}` },
      h('h2', { class: 'nhsuk-heading-m', id: `heading-${s}` }, `${sectionName(s)} (${list.length})`),
      charts.map((c, i) => lineChart(c, `chart-${s}-${i}`)),
      table(`${sectionName(s)}: entries`, ['Date', 'Entry', 'Value', 'Recorded', audience === 'staff' ? 'History' : ''],
        list.map(e => [formatDate(e.content?.effectiveDate), what(e), value(e),
          `${formatDateTime(e.recordedAt)} at ${e.authoringOrganisation ?? ''}${e.sensitivity && e.sensitivity !== 'NORMAL' ? ` (${e.sensitivity.toLowerCase().replace(/_/g, ' ')})` : ''}`,
          entryLink ? entryLink(e) : '']))));
  }
  if (sections.length === 0) out.push(inset('No entries are shown to you in this record.'));
  return out;
}

function jump(id: string): EventListener {
  return (event) => {
    event.preventDefault();
    const target = document.getElementById(id);
    target?.setAttribute('tabindex', '-1');
    target?.focus();
  };
}
