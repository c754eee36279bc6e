import { describe, expect, it } from 'vitest';
import { escapeHtml, formatDate, formatDateTime } from './dom';

describe('text into HTML strings, and dates in words', () => {
  it('escapes everything that could become markup', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
    expect(escapeHtml('Review number 7')).toBe('Review number 7');
  });

  it('formats dates and times in UTC, British style', () => {
    expect(formatDate('2024-02-01')).toBe('1 February 2024');
    expect(formatDateTime('2024-02-01T09:05:00Z')).toBe('1 Feb 2024, 09:05 UTC');
    expect(formatDate(undefined)).toBe('');
  });
});
