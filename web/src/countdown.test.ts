import { describe, expect, it } from 'vitest';
import { remaining } from './countdown';

const now = Date.parse('2024-05-01T10:00:00Z');

describe('emergency access countdown', () => {
  it('shows hours and minutes while more than an hour is left', () => {
    expect(remaining('2024-05-01T13:59:30Z', now)).toBe('3 hours 59 minutes left');
    expect(remaining('2024-05-01T11:01:00Z', now)).toBe('1 hour 1 minute left');
  });

  it('shows minutes and seconds in the last hour, seconds in the last minute', () => {
    expect(remaining('2024-05-01T10:04:05Z', now)).toBe('4 minutes 5 seconds left');
    expect(remaining('2024-05-01T10:00:01.900Z', now)).toBe('1 second left');
  });

  it('says expired at and after the end, and for a time it cannot read', () => {
    expect(remaining('2024-05-01T10:00:00Z', now)).toBe('Expired');
    expect(remaining('2024-05-01T09:00:00Z', now)).toBe('Expired');
    expect(remaining('not a time', now)).toBe('Expired');
  });
});
