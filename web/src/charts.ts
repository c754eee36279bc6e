// Observations and results over time: entries with a numeric value, grouped by what was measured.
import type { components } from './api/schema';

type Entry = components['schemas']['Entry'];

export interface Series { key: string; label: string; unit: string; points: { date: string; value: number }[] }

/** Groups measured entries by code (or term), oldest first; only series with two or more points make a chart. */
export function seriesOf(entries: Entry[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const e of entries) {
    const c = e.content;
    const value = c?.value?.value;
    const date = c?.effectiveDate ?? e.recordedAt?.slice(0, 10);
    if (value === undefined || value === null || !date) continue;
    const key = c?.code ? `${c.code.system}|${c.code.code}|${c.value?.unit ?? ''}` : `${c?.displayTerm ?? c?.text ?? ''}|${c?.value?.unit ?? ''}`;
    let s = byKey.get(key);
    if (!s) {
      s = { key, label: c?.displayTerm ?? c?.text ?? 'Measurement', unit: c?.value?.unit ?? '', points: [] };
      byKey.set(key, s);
    }
    s.points.push({ date, value: Number(value) });
  }
  return [...byKey.values()]
    .map(s => ({ ...s, points: s.points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) }))
    .filter(s => s.points.length >= 2)
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** Counts per day and per category (e.g. accesses by basis), days ascending, for a stacked or grouped chart. */
export function perDay(items: { at: string; category: string }[]): { days: string[]; categories: string[]; counts: number[][] } {
  const days = [...new Set(items.map(i => i.at.slice(0, 10)))].sort();
  const categories = [...new Set(items.map(i => i.category))].sort();
  const counts = categories.map(c => days.map(d => items.filter(i => i.category === c && i.at.startsWith(d)).length));
  return { days, categories, counts };
}

export function epochSeconds(date: string): number {
  return Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) / 1000;
}
