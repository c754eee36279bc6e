// Page time of a 200-entry record, repeated (docs/benchmarks.md), against a running application:
//   BASE_URL=http://127.0.0.1:18800 RUNS=5 node e2e/bench-record.mjs
// Not a test (node --test e2e/ skips it): it prints, per run, the time from navigation to the 200th row shown, and
// where it went: the API call (server time to first byte, download), JSON parse + client, DOM building, showing it
// (insertion, focus, layout), and the charts and first paint after it. Needs Debian's chromium.
import { apiAs, freshNhsNumber, launch, newPage, signIn } from './support.mjs';
import assert from 'node:assert/strict';

const runs = Number(process.env.RUNS ?? 5);
const browser = await launch();
try {
  const nhs = process.env.NHS ?? freshNhsNumber();
  const gp = await apiAs('gp');
  if (!process.env.NHS) {
    assert.ok((await gp('POST', `/api/patients/${nhs}`, { demographics: { givenName: 'Bulk', familyName: 'Example', birthDate: '1950-05-05', gender: 'UNKNOWN',
      address: { line1: '2 High Street', town: 'South Moor', postcode: 'SM1 1AB' } } })).status < 300);
    for (let i = 0; i < 200; i++) {
      const day = new Date(Date.UTC(2020, 0, 1) + i * 86400_000).toISOString().slice(0, 10);
      const body = i % 2 === 0
        ? { section: 'OBSERVATIONS', content: { code: { system: 'SNOMED_CT', code: '271649006' }, displayTerm: 'Systolic blood pressure', effectiveDate: day, value: { value: 120 + (i % 30), unit: 'mm[Hg]' } } }
        : { section: 'CONSULTATIONS', content: { text: `Review number ${i}`, effectiveDate: day } };
      assert.ok((await gp('POST', `/api/patients/${nhs}/entries`, body)).status < 300);
    }
  }
  const page = await newPage(browser);
  await signIn(page, 'gp');
  for (let run = 1; run <= runs; run++) {
    await page.evaluate(() => { location.hash = '#/'; });
    await page.locator('#find').waitFor();
    const started = Date.now();
    await page.evaluate(n => { performance.clearResourceTimings(); location.hash = `#/patients/${n}`; }, nhs);
    await page.locator('#section-CONSULTATIONS tbody tr').nth(99).waitFor();
    const ms = Date.now() - started;
    const t = await page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => setTimeout(() => {
      const mark = n => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      const api = performance.getEntriesByType('resource').find(e => e.name.includes('/record?'));
      resolve({
        ttfb: api ? api.responseStart - api.requestStart : NaN,
        download: api ? api.responseEnd - api.responseStart : NaN,
        bytes: api ? api.transferSize : NaN,
        parse: api ? mark('record:data') - api.responseEnd : NaN,
        request: mark('record:data') - mark('record:request'),
        build: mark('record:built') - mark('record:data'),
        show: mark('record:shown') - mark('record:built'),
        paint: performance.now() - mark('record:shown'),
      });
    }, 0))));
    const f = v => Number.isNaN(v) ? '-' : v.toFixed(0);
    console.log(`run ${run}: ${ms} ms to the 200th row | API ${f(t.request)} ms (server to first byte ${f(t.ttfb)}, download ${f(t.download)} of ${f(t.bytes)} B, JSON+client ${f(t.parse)}) | DOM built ${f(t.build)} | shown ${f(t.show)} | charts+paint ${f(t.paint)}`);
  }
} finally {
  await browser.close();
}
