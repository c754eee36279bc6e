import { describe, expect, it } from 'vitest';
import { perDay, seriesOf } from './charts';

const entry = (code: string, term: string, value: number | undefined, date: string, unit = 'mmol/mol') => ({
  section: 'TEST_RESULTS', recordedAt: `${date}T10:00:00Z`,
  content: { code: { system: 'SNOMED_CT' as const, code }, displayTerm: term, effectiveDate: date, value: value === undefined ? undefined : { value, unit } },
});

describe('chart data shaping', () => {
  it('groups measured entries by code, oldest first, and keeps only series with two or more points', () => {
    const series = seriesOf([
      entry('1049301000000100', 'HbA1c', 58, '2024-03-01'),
      entry('1049301000000100', 'HbA1c', 64, '2023-03-01'),
      entry('271649006', 'Systolic blood pressure', 150, '2024-01-01', 'mmHg'),
      entry('1049301000000100', 'HbA1c', undefined, '2024-06-01'),
    ]);
    expect(series).toHaveLength(1);
    expect(series[0].label).toBe('HbA1c');
    expect(series[0].unit).toBe('mmol/mol');
    expect(series[0].points).toEqual([{ date: '2023-03-01', value: 64 }, { date: '2024-03-01', value: 58 }]);
  });

  it('counts per day and category with zeros where a category had none', () => {
    const shaped = perDay([
      { at: '2024-01-02T09:00:00Z', category: 'GRANT' },
      { at: '2024-01-01T09:00:00Z', category: 'REGISTERED' },
      { at: '2024-01-02T11:00:00Z', category: 'REGISTERED' },
      { at: '2024-01-02T12:00:00Z', category: 'REGISTERED' },
    ]);
    expect(shaped.days).toEqual(['2024-01-01', '2024-01-02']);
    expect(shaped.categories).toEqual(['GRANT', 'REGISTERED']);
    expect(shaped.counts).toEqual([[0, 1], [1, 2]]);
  });
});
