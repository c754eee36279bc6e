// A tiny element builder: no framework, so the record page stays small.
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function main(): HTMLElement {
  return document.getElementById('main')!;
}

/** Replaces the page's content, sets the title and moves focus to the main heading for screen readers. */
export function show(title: string, ...content: Child[]): void {
  const m = main();
  m.replaceChildren();
  append(m, content);
  document.title = `${title} – CareLedger`;
  const heading = m.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

export function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'nhsuk-form-group' },
    h('label', { class: 'nhsuk-label', for: id }, label),
    hint ? h('div', { class: 'nhsuk-hint', id: `${id}-hint` }, hint) : null,
    input);
}

export function textInput(id: string, attrs: Attrs = {}): HTMLInputElement {
  return h('input', { class: 'nhsuk-input', id, name: id, type: 'text', ...attrs });
}

export function select(id: string, options: [string, string][], attrs: Attrs = {}): HTMLSelectElement {
  return h('select', { class: 'nhsuk-select', id, name: id, ...attrs },
    options.map(([value, text]) => h('option', { value }, text)));
}

export function button(text: string, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { class: 'nhsuk-button', type: 'submit', 'data-module': 'nhsuk-button', ...attrs }, text);
}

export function summaryList(rows: [string, Child][]): HTMLElement {
  return h('dl', { class: 'nhsuk-summary-list' }, rows.map(([k, v]) =>
    h('div', { class: 'nhsuk-summary-list__row' },
      h('dt', { class: 'nhsuk-summary-list__key' }, k),
      h('dd', { class: 'nhsuk-summary-list__value' }, v))));
}

export function table(caption: string, head: string[], rows: Child[][]): HTMLElement {
  return h('table', { class: 'nhsuk-table' },
    h('caption', { class: 'nhsuk-table__caption nhsuk-table__caption--m' }, caption),
    h('thead', { class: 'nhsuk-table__head' }, h('tr', {}, head.map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', { class: 'nhsuk-table__body' }, rows.map(r =>
      h('tr', { class: 'nhsuk-table__row' }, r.map(c => h('td', { class: 'nhsuk-table__cell' }, c))))));
}

export function errorSummary(title: string, message: string): HTMLElement {
  return h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title' },
    h('h2', { class: 'nhsuk-error-summary__title', id: 'error-summary-title' }, title),
    h('div', { class: 'nhsuk-error-summary__body' }, h('p', {}, message)));
}

export function inset(...content: Child[]): HTMLElement {
  return h('div', { class: 'nhsuk-inset-text' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Information: '), content);
}

// One formatter each, made once: toLocaleString(locale, options) builds a new Intl formatter on every call, which was
// most of the time it took to lay out a 200-entry record (docs/benchmarks.md).
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  return DATE.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
}

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  return DATE_TIME.format(new Date(iso)) + ' UTC';
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML built as a string (entries are other people's words: never markup). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c]);
}
