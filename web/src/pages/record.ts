// A record as the reader may see it: summary first, then sections, charts of measurements, and the withheld
// entries explained in words. Used by the clinician's record and the patient's "my record".
import type { components } from '../api/schema';
import { escapeHtml, h, inset, summaryList, formatDate, formatDateTime } from '../dom';
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

/**
 * One section's table as one HTML string, parsed by the browser in one go: a 200-entry record is a few hundred rows,
 * and building them node by node was most of the page's time (docs/benchmarks.md). Same markup as dom.ts table().
 */
function sectionTable(caption: string, head: string[], rows: string[][]): string {
  const cells = (r: string[]) => r.map(c => `<td class="nhsuk-table__cell">${c}</td>`).join('');
  return `<table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-table__caption--m">${escapeHtml(caption)}</caption>`
    + `<thead class="nhsuk-table__head"><tr>${head.map(c => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`
    + `<tbody class="nhsuk-table__body">${rows.map(r => `<tr class="nhsuk-table__row">${cells(r)}</tr>`).join('')}</tbody></table>`;
}

/**
 * The record: summary first, then each section. `entryHref` gives a staff member's link to an entry's history.
 * Sections are built as HTML strings (escaped), charts are drawn after the rows are on screen (chart.ts).
 */
export function renderRecord(r: RecordView, audience: 'staff' | 'patient', entryHref?: (e: Entry) => string): HTMLElement[] {
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
    // newest first; ISO dates compare as plain strings (localeCompare asks the collator each time)
    const when = (e: Entry) => e.content?.effectiveDate ?? e.recordedAt ?? '';
    list.sort((a, b) => { const x = when(a); const y = when(b); return x < y ? 1 : x > y ? -1 : 0; });
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
    const section = h('section', { id: `section-${s}`, 'aria-labelledby': `heading-${s}` },
      h('h2', { class: 'nhsuk-heading-m', id: `heading-${s}` }, `${sectionName(s)} (${list.length})`),
      charts.map((c, i) => lineChart(c, `chart-${s}-${i}`)));
    section.insertAdjacentHTML('beforeend', sectionTable(`${sectionName(s)}: entries`,
      ['Date', 'Entry', 'Value', 'Recorded', audience === 'staff' ? 'History' : ''],
      list.map(e => {
        const term = escapeHtml(what(e));
        const link = entryHref ? `<a class="nhsuk-link" href="${escapeHtml(entryHref(e))}">History<span class="nhsuk-u-visually-hidden"> of ${term || 'this entry'}</span></a>` : '';
        return [escapeHtml(formatDate(e.content?.effectiveDate)), term, escapeHtml(value(e)),
          escapeHtml(`${formatDateTime(e.recordedAt)} at ${e.authoringOrganisation ?? ''}${e.sensitivity && e.sensitivity !== 'NORMAL' ? ` (${e.sensitivity.toLowerCase().replace(/_/g, ' ')})` : ''}`),
          link];
      })));
    out.push(section);
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
