import { describe, expect, it } from 'vitest';
import { basisWords, formatNhsNumber, normaliseNhsNumber, withheldSentences } from './words';

describe('withheld entries in words', () => {
  it('says nothing is withheld when nothing is', () => {
    expect(withheldSentences(0, {}, 'staff')).toEqual(['Nothing is withheld from you in this record.']);
    expect(withheldSentences(0, undefined, 'patient')).toEqual(['Nothing in your record is hidden from you.']);
  });

  it('gives one sentence per reason, largest count first, with singular and plural agreeing', () => {
    expect(withheldSentences(4, { PRIVATE: 1, NO_SHARE_OUT_CONSENT: 3 }, 'staff')).toEqual([
      '3 entries are withheld because the patient has not agreed to share them from the organisation that wrote them.',
      '1 entry is withheld because it is private to the organisation that wrote it.',
    ]);
  });

  it('speaks to the patient as "you"', () => {
    expect(withheldSentences(2, { WITHHELD_FROM_PATIENT: 2 }, 'patient')).toEqual([
      '2 entries are withheld because your care team has kept them from your own view (for example, because they are about someone else).',
    ]);
  });

  it('falls back to the total when the server gives no breakdown, and ignores zero counts', () => {
    expect(withheldSentences(2, undefined, 'staff')).toEqual(['2 entries are withheld from you.']);
    expect(withheldSentences(1, { SEALED: 1, ROLE_VIEW: 0 }, 'staff')).toEqual([
      '1 entry is withheld because it is sealed: only people given access to sealed entries may see it.']);
  });

  it('never names an unknown reason code to the reader', () => {
    expect(withheldSentences(1, { SOMETHING_NEW: 1 }, 'staff')).toEqual(['1 entry is withheld because of the sharing rules.']);
  });
});

describe('NHS numbers and bases', () => {
  it('groups 3-3-4 and drops spaces and dashes as typed', () => {
    expect(formatNhsNumber('9990203903')).toBe('999 020 3903');
    expect(normaliseNhsNumber(' 999 020-3903 ')).toBe('9990203903');
  });

  it('explains each basis', () => {
    expect(basisWords('REGISTERED')).toContain('registered with your organisation');
    expect(basisWords('SELF', 'patient')).toBe('This is your own record.');
    expect(basisWords('EMERGENCY')).toContain('break glass');
  });
});

describe('previewSentences', () => {
  it('counts what the previewed reader would see, what the previewer may not, and why the rest is withheld', async () => {
    const { previewSentences } = await import('./words');
    expect(previewSentences({ wouldSee: 3, notShown: 1, contentShown: true, withheldReasons: { ROLE_VIEW: 2, PRIVATE: 1 } }, 'A district nurse at RCX')).toEqual([
      'A district nurse at RCX would see 3 entries.',
      '1 of them is not shown to you here, because you may not see it yourself.',
      "2 entries that you can see would be withheld from them because they are outside what that role's view of the record includes.",
      '1 entry that you can see would be withheld from them because it is private to the organisation that wrote it.',
    ]);
    expect(previewSentences({ wouldSee: 0, withheldReasons: {} }, 'A pharmacist at FA123')).toEqual(['A pharmacist at FA123 would see no entries.']);
    expect(previewSentences({ wouldSee: 1, contentShown: false, withheldReasons: { SEALED: 1 } }, 'They')).toEqual([
      'They would see 1 entry.', '1 entry would be withheld from them because it is sealed: only people given access to sealed entries may see it.']);
  });
});
