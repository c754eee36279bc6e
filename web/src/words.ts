// The ledger's codes, said in words. Pure functions: unit-tested in words.test.ts.

export const SECTION_ORDER = ['PROBLEMS', 'MEDICATIONS', 'ALLERGIES', 'OBSERVATIONS', 'TEST_RESULTS', 'IMMUNISATIONS',
  'CONSULTATIONS', 'DOCUMENTS', 'REFERRALS', 'CARE_PLANS', 'COMMUNITY_NURSING', 'MENTAL_HEALTH', 'SOCIAL_CARE',
  'SAFEGUARDING'] as const;

const SECTIONS: Record<string, string> = {
  DEMOGRAPHICS: 'Personal details', PROBLEMS: 'Problems and diagnoses', MEDICATIONS: 'Medicines', ALLERGIES: 'Allergies',
  OBSERVATIONS: 'Observations', TEST_RESULTS: 'Test results', IMMUNISATIONS: 'Immunisations', CONSULTATIONS: 'Consultations',
  DOCUMENTS: 'Documents', REFERRALS: 'Referrals', CARE_PLANS: 'Care plans', COMMUNITY_NURSING: 'Community nursing',
  MENTAL_HEALTH: 'Mental health', SOCIAL_CARE: 'Social care', SAFEGUARDING: 'Safeguarding',
};

export function sectionName(code: string): string {
  return SECTIONS[code] ?? code;
}

const ROLES: Record<string, string> = {
  GP: 'GP', PRACTICE_NURSE: 'Practice nurse', PRACTICE_ADMIN: 'Practice administrator', DISTRICT_NURSE: 'District nurse',
  MENTAL_HEALTH_PRACTITIONER: 'Mental health practitioner', SOCIAL_WORKER: 'Social worker', PHARMACIST: 'Pharmacist',
  OOH_CLINICIAN: 'Out-of-hours clinician', SPECIALIST: 'Specialist', IG_OFFICER: 'Information governance officer',
  ADMINISTRATOR: 'Administrator', PATIENT: 'Patient',
};

export function roleName(code: string | undefined): string {
  return code ? ROLES[code] ?? code : '';
}

export function basisWords(basis: string | undefined, audience: 'staff' | 'patient' = 'staff'): string {
  switch (basis) {
    case 'REGISTERED': return 'The patient is registered with your organisation.';
    case 'GRANT': return 'Your organisation has been given access to parts of this record (for example a referral or an allocation).';
    case 'EMERGENCY': return 'You are using emergency access (break glass). It is time-limited and reviewed.';
    case 'SELF': return audience === 'patient' ? 'This is your own record.' : 'The patient is viewing their own record.';
    default: return '';
  }
}

/** Why entries are withheld, per reason, in the words of the person reading ({it} {them} {is} {was} agree with the count). */
const WITHHELD_STAFF: Record<string, string> = {
  ROLE_VIEW: "{it} {is} outside what your role's view of the record includes",
  OUT_OF_GRANT_SCOPE: "{it} {is} in a part of the record your organisation's access does not cover",
  ENTERED_IN_ERROR: '{it} {was} marked as entered in error',
  PRIVATE: '{it} {is} private to the organisation that wrote {them}',
  SEALED: '{it} {is} sealed: only people given access to sealed entries may see {them}',
  WITHHELD_FROM_PATIENT: '{it} {is} withheld from the patient',
  NO_SHARE_OUT_CONSENT: 'the patient has not agreed to share {them} from the organisation that wrote {them}',
  NO_SHARE_IN_CONSENT: 'the patient has not agreed to share their record with your organisation',
};

const WITHHELD_PATIENT: Record<string, string> = {
  ...WITHHELD_STAFF,
  ENTERED_IN_ERROR: '{it} {was} marked as entered in error by the person who wrote {them}',
  WITHHELD_FROM_PATIENT: 'your care team has kept {them} from your own view (for example, because {it} {is} about someone else)',
  SEALED: '{it} {is} sealed',
  NO_SHARE_OUT_CONSENT: 'you have not agreed to share {them} from the organisation that wrote {them}',
};

function agree(phrase: string, n: number): string {
  const one = n === 1;
  return phrase.replace(/\{it\}/g, one ? 'it' : 'they').replace(/\{is\}/g, one ? 'is' : 'are').replace(/\{was\}/g, one ? 'was' : 'were')
    .replace(/\{them\}/g, one ? 'it' : 'them');
}

function entries(n: number): string {
  return n === 1 ? '1 entry is' : `${n} entries are`;
}

/**
 * Sentences for the withheld entries of a read: one per reason, largest first. Never says what the entries are.
 * With no breakdown (an older server), one sentence with the total.
 */
export function withheldSentences(total: number, reasons: Record<string, number> | undefined, audience: 'staff' | 'patient'): string[] {
  if (total <= 0) return [audience === 'patient' ? 'Nothing in your record is hidden from you.' : 'Nothing is withheld from you in this record.'];
  const words = audience === 'patient' ? WITHHELD_PATIENT : WITHHELD_STAFF;
  const parts = Object.entries(reasons ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (parts.length === 0) {
    return [`${entries(total)} withheld from you.`];
  }
  return parts.map(([reason, n]) => `${entries(n)} withheld because ${agree(words[reason] ?? 'of the sharing rules', n)}.`);
}

export function formatNhsNumber(nhs: string | undefined): string {
  return nhs && /^\d{10}$/.test(nhs) ? `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}` : nhs ?? '';
}

/** Spaces and dashes as people type them are dropped; the API checks the rest. */
export function normaliseNhsNumber(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}

/** Why entries would be withheld from the reader a preview ("view as") is for: the same reasons, said of them. */
const WITHHELD_PREVIEWED: Record<string, string> = {
  ...WITHHELD_STAFF,
  ROLE_VIEW: "{it} {is} outside what that role's view of the record includes",
  OUT_OF_GRANT_SCOPE: "{it} {is} in a part of the record their organisation's access does not cover",
  NO_SHARE_IN_CONSENT: 'the patient has not agreed to share their record with that organisation',
};

/**
 * The sentences of a preview: what the previewed reader would see and not see, said to the previewer. For a GP the
 * withheld counts are of entries the GP can see; what only the previewed reader would see is a number, never named.
 */
export function previewSentences(p: { wouldSee?: number; notShown?: number; withheldReasons?: Record<string, number>; contentShown?: boolean },
  who: string): string[] {
  const out: string[] = [];
  const would = p.wouldSee ?? 0;
  out.push(would === 0 ? `${who} would see no entries.` : `${who} would see ${would === 1 ? '1 entry' : `${would} entries`}.`);
  const hidden = p.notShown ?? 0;
  if (hidden > 0) {
    out.push(`${hidden === 1 ? '1 of them is' : `${hidden} of them are`} not shown to you here, because you may not see ${hidden === 1 ? 'it' : 'them'} yourself.`);
  }
  const scope = p.contentShown ? 'that you can see ' : '';
  for (const [reason, n] of Object.entries(p.withheldReasons ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    out.push(`${n === 1 ? `1 entry ${scope}would be` : `${n} entries ${scope}would be`} withheld from them because ${agree(WITHHELD_PREVIEWED[reason] ?? 'of the sharing rules', n)}.`);
  }
  return out;
}

/** The roles whose view can be previewed, in words. */
export const PREVIEWABLE_ROLES: [string, string][] = ['DISTRICT_NURSE', 'SOCIAL_WORKER', 'PHARMACIST', 'PRACTICE_NURSE',
  'PRACTICE_ADMIN', 'MENTAL_HEALTH_PRACTITIONER', 'OOH_CLINICIAN', 'SPECIALIST', 'GP'].map(r => [r, ROLES[r]]);
