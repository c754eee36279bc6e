import { describe, expect, it } from 'vitest';
import { entriesOf, TEMPLATES } from './templates';

describe('pathway templates', () => {
  it('makes one coded entry per filled-in field, tagged with the template and dated the review day', () => {
    const { entries, errors } = entriesOf(TEMPLATES.diabetes, { hba1c: '58', systolic: '138', diastolic: ' 82 ', weight: '' }, '2024-05-01');
    expect(errors).toEqual({});
    expect(entries.map(e => [e.section, e.content.code?.code, e.content.value?.value])).toEqual([
      ['TEST_RESULTS', '43396009', 58], ['OBSERVATIONS', '271649006', 138], ['OBSERVATIONS', '271650006', 82]]);
    expect(new Set(entries.map(e => e.content.pathwayTemplateId))).toEqual(new Set(['diabetes-annual-review']));
    expect(new Set(entries.map(e => e.content.effectiveDate))).toEqual(new Set(['2024-05-01']));
  });

  it('refuses implausible or non-numeric values by field, and makes no entry for them', () => {
    const { entries, errors } = entriesOf(TEMPLATES.hypertension, { systolic: '1380', pulse: 'fast', potassium: '4.1' }, '2024-05-01');
    expect(Object.keys(errors).sort()).toEqual(['pulse', 'systolic']);
    expect(errors.systolic).toBe('Enter systolic blood pressure as a number from 50 to 300');
    expect(entries).toHaveLength(1);
    expect(entries[0].content.displayTerm).toBe('Serum potassium level');
  });
});
