// Draws a series with uPlot; the same numbers are in a table beside it for screen readers and keyboard users.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, table, formatDate } from './dom';
import { epochSeconds, type Series } from './charts';

/**
 * A line chart of a series. It is drawn after the page around it has been shown (the next frame, then a task), so a
 * record's rows appear first; the values table is built when its "details" is first opened.
 */
export function lineChart(s: Series, id: string): HTMLElement {
  const box = h('div', { class: 'careledger-chart', id, role: 'img', 'aria-label': `Chart of ${s.label} over time; the values are in the table below it.` });
  const data: uPlot.AlignedData = [s.points.map(p => epochSeconds(p.date)), s.points.map(p => p.value)];
  requestAnimationFrame(() => setTimeout(() => {
    if (!box.isConnected) return; // the page moved on before the chart was drawn
    new uPlot({
      width: Math.min(640, box.clientWidth || 640), height: 220, title: `${s.label}${s.unit ? ` (${s.unit})` : ''}`,
      series: [{}, { label: s.label, stroke: '#005eb8', width: 2, points: { size: 7 } }],
      axes: [{ stroke: '#212b32' }, { stroke: '#212b32' }],
    }, data, box);
  }, 0));
  const values = h('div', { class: 'nhsuk-details__text' });
  const details = h('details', { class: 'nhsuk-details' },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, `${s.label}: the values`)),
    values);
  details.addEventListener('toggle', () => {
    if (details.open && !values.firstChild) {
      values.append(table(s.label, ['Date', `Value${s.unit ? ` (${s.unit})` : ''}`], s.points.map(p => [formatDate(p.date), String(p.value)])));
    }
  });
  return h('figure', { class: 'careledger-figure' }, box, details);
}

export function barChart(title: string, id: string, days: string[], categories: string[], counts: number[][]): HTMLElement {
  const colours = ['#005eb8', '#007f3b', '#d5281b', '#330072', '#ffb81c', '#4c6272'];
  const box = h('div', { class: 'careledger-chart', id, role: 'img', 'aria-label': `${title}; the numbers are in the table below it.` });
  const data: uPlot.AlignedData = [days.map(d => epochSeconds(d)), ...counts];
  queueMicrotask(() => {
    new uPlot({
      width: Math.min(640, box.clientWidth || 640), height: 220, title,
      series: [{}, ...categories.map((c, i) => ({ label: c, stroke: colours[i % colours.length], width: 2, points: { size: 6 } }))],
      axes: [{ stroke: '#212b32' }, { stroke: '#212b32' }],
    }, data, box);
  });
  return h('figure', { class: 'careledger-figure' }, box,
    table(title, ['Day', ...categories], days.map((d, i) => [formatDate(d), ...counts.map(c => String(c[i]))])));
}
