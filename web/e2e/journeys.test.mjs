// Browser journeys against the running application (BASE_URL). Run by the JUnit test BrowserJourneyTest inside
// `mvn verify`; by hand: `BASE_URL=http://127.0.0.1:8080 npm run e2e` against the README's first command.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessible, apiAs, freshNhsNumber, launch, newPage, shot, signIn } from './support.mjs';

let browser;
const NHS = freshNhsNumber();
const until = new Date(Date.now() + 30 * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** docs/api.md "Six people open the same patient", set up through the API as the GP (plus one private entry). */
async function sixPeoplePatient() {
  const gp = await apiAs('gp');
  const ok = (r, what) => assert.ok(r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  ok(await gp('POST', `/api/patients/${NHS}`, { demographics: { givenName: 'Alex', familyName: 'Example', birthDate: '1970-01-02', gender: 'UNKNOWN',
    address: { line1: '1 High Street', town: 'South Moor', postcode: 'SM1 1AA' } } }), 'register');
  for (const body of [
    { section: 'PROBLEMS', content: { code: { system: 'SNOMED_CT', code: '195967001' }, displayTerm: 'Asthma', effectiveDate: '2024-01-01' } },
    { section: 'MEDICATIONS', content: { code: { system: 'DMD', code: '322236009' }, displayTerm: 'Paracetamol 500mg tablets', effectiveDate: '2024-01-02' } },
    { section: 'SOCIAL_CARE', content: { text: 'Lives alone; carer visits daily', effectiveDate: '2024-01-03' } },
    { section: 'MENTAL_HEALTH', content: { text: 'Low mood, under review', effectiveDate: '2024-01-04' } },
    { section: 'PROBLEMS', sensitivity: 'PRIVATE', content: { code: { system: 'SNOMED_CT', code: '73211009' }, displayTerm: 'Diabetes mellitus', effectiveDate: '2024-01-05' } },
    { section: 'OBSERVATIONS', content: { code: { system: 'SNOMED_CT', code: '271649006' }, displayTerm: 'Systolic blood pressure', effectiveDate: '2023-06-01', value: { value: 152, unit: 'mmHg' } } },
    { section: 'OBSERVATIONS', content: { code: { system: 'SNOMED_CT', code: '271649006' }, displayTerm: 'Systolic blood pressure', effectiveDate: '2024-02-01', value: { value: 138, unit: 'mmHg' } } },
  ]) ok(await gp('POST', `/api/patients/${NHS}/entries`, body), 'entry');
  for (const [organisation, direction] of [['Y01211', 'SHARE_OUT'], ['RCX', 'SHARE_IN'], ['LA601', 'SHARE_IN']]) {
    ok(await gp('POST', `/api/patients/${NHS}/consent/decisions`, { organisation, direction, decision: 'GRANTED', method: 'VERBAL' }), 'consent');
  }
  ok(await gp('POST', `/api/patients/${NHS}/grants`, { grantee: { kind: 'ORGANISATION', id: 'RCX' }, reason: 'REFERRAL',
    sections: ['DEMOGRAPHICS', 'PROBLEMS', 'MEDICATIONS', 'ALLERGIES', 'COMMUNITY_NURSING'], validUntil: until }), 'grant RCX');
  ok(await gp('POST', `/api/patients/${NHS}/grants`, { grantee: { kind: 'ORGANISATION', id: 'LA601' }, reason: 'SOCIAL_CARE_ALLOCATION',
    sections: ['DEMOGRAPHICS', 'ALLERGIES', 'CARE_PLANS', 'SOCIAL_CARE', 'SAFEGUARDING'], validUntil: until }), 'grant LA601');
}

/** The section headings the record page shows, in order. */
async function sectionsShown(page) {
  await page.locator('#record-name').waitFor();
  return (await page.locator('section h2').allTextContents()).map(t => t.replace(/ \(\d+\)$/, ''));
}

before(async () => {
  browser = await launch();
  await sixPeoplePatient();
});

after(async () => { await browser?.close(); });

describe('six people open the same patient (docs/api.md), in the browser', () => {
  it('the GP finds the patient by NHS number and sees every section, a chart and what is withheld in words', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp');
    assert.equal(await page.locator('#who').textContent(), 'Signed in as Susan Chapman, GP at Y01211');
    await accessible(page, 'find a patient');
    await shot(page, 'find-patient');
    await page.getByLabel('NHS number').fill(NHS.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'));
    await page.getByRole('button', { name: 'Find patient' }).click();
    assert.deepEqual(await sectionsShown(page), ['Problems and diagnoses', 'Medicines', 'Observations', 'Mental health', 'Social care']);
    assert.equal(await page.locator('#record-name').textContent(), 'Alex Example');
    assert.match(await page.locator('#withheld').textContent(), /Nothing is withheld from you/);
    assert.match(await page.locator('#summary').textContent(), /Asthma/);
    await page.locator('#chart-OBSERVATIONS-0 canvas').waitFor(); // drawn after the rows are shown
    assert.equal(await page.locator('#chart-OBSERVATIONS-0 canvas').count(), 1, 'blood pressure over time is drawn');
    await accessible(page, 'the GP\'s record view');
    await shot(page, 'record-gp');
  });

  it('the district nurse sees problems and medicines, and is told in words why the rest is withheld', async () => {
    const page = await newPage(browser);
    await signIn(page, 'district-nurse', `/#/patients/${NHS}`);
    assert.deepEqual(await sectionsShown(page), ['Problems and diagnoses', 'Medicines']);
    const withheld = await page.locator('#withheld').textContent();
    assert.match(withheld, /1 entry is withheld because it is private to the organisation that wrote it\./);
    assert.match(withheld, /2 entries are withheld because they are in a part of the record your organisation's access does not cover\./);
    assert.doesNotMatch(withheld, /Diabetes/);
    assert.doesNotMatch((await page.locator('main section').allTextContents()).join(' ') + await page.locator('#summary').textContent(), /Diabetes|Low mood|carer/);
    await accessible(page, 'the district nurse\'s record view');
    await shot(page, 'record-district-nurse');
  });

  it('the social worker sees social care only', async () => {
    const page = await newPage(browser);
    await signIn(page, 'social-worker', `/#/patients/${NHS}`);
    assert.deepEqual(await sectionsShown(page), ['Social care']);
  });

  it('the pharmacist is told the record is not available, in plain words', async () => {
    const page = await newPage(browser);
    await signIn(page, 'pharmacist', `/#/patients/${NHS}`);
    await page.getByRole('heading', { name: 'Record not available' }).waitFor();
    assert.match(await page.locator('main').textContent(), /no reason on record to see it/);
    await accessible(page, 'record not available');
  });

  it('the IG officer gets the IG console, never the record', async () => {
    const page = await newPage(browser);
    await signIn(page, 'ig-officer', `/#/patients/${NHS}`);
    assert.match(await page.locator('#who').textContent(), /Information governance officer/);
    assert.doesNotMatch(await page.locator('main').textContent(), /Alex Example|Asthma/);
  });

  it('the patient sees their own record, every section', async () => {
    const page = await newPage(browser);
    await signIn(page, NHS);
    assert.match(await page.locator('#who').textContent(), /patient with NHS number/);
    assert.deepEqual(await sectionsShown(page), ['Problems and diagnoses', 'Medicines', 'Observations', 'Mental health', 'Social care']);
    await accessible(page, 'my record');
    await shot(page, 'portal-my-record');
  });
});

describe('view as: a GP and an IG officer preview the district nurse\'s view (ADR 24)', () => {
  it('the GP previews what a district nurse at RCX would see: only what the GP may see, the rest explained', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp', `/#/patients/${NHS}`);
    await page.locator('#record-name').waitFor();
    await page.getByRole('link', { name: 'View as another role' }).click();
    await page.getByRole('heading', { name: 'View as another role' }).waitFor();
    await page.getByLabel('Role').selectOption('DISTRICT_NURSE');
    await page.getByLabel('Organisation').selectOption('RCX');
    await page.getByRole('button', { name: 'Preview their view' }).click();
    await page.locator('#preview-heading').waitFor();
    const summary = await page.locator('#preview-summary').textContent();
    assert.match(summary, /A district nurse at RCX would see 2 entries\./);
    assert.match(summary, /1 entry that you can see would be withheld from them because it is private to the organisation that wrote it\./);
    assert.match(summary, /2 entries that you can see would be withheld from them because they are outside what that role's view of the record includes\./);
    const shown = await page.locator('#preview-result').textContent();
    assert.match(shown, /Asthma/);
    assert.match(shown, /Paracetamol/);
    assert.doesNotMatch(shown, /Diabetes|Low mood|carer visits/);
    assert.match(shown, /This preview was recorded \(audit event [0-9a-f-]{36}\)/);
    await accessible(page, 'view as (GP)');
    await shot(page, 'view-as-gp');
  });

  it('the IG officer previews the same view: which entries, never what they say', async () => {
    const page = await newPage(browser);
    // the alert queue (the IG officer's first page) answers only after they have moved on to "View as": its late
    // answer must not replace the page they are typing into
    let releaseAlerts;
    const alertsHeld = new Promise(resolve => { releaseAlerts = resolve; });
    await page.route('**/api/audit/alerts?**', async r => { await alertsHeld; await r.continue(); });
    await signIn(page, 'ig-officer');
    await page.getByRole('link', { name: 'View as' }).click();
    await page.getByLabel('NHS number').waitFor();
    const lateAnswer = page.waitForResponse('**/api/audit/alerts?**');
    releaseAlerts();
    await lateAnswer;
    await page.evaluate(() => new Promise(resolve => setTimeout(resolve, 200))); // time for a stale render to happen
    assert.equal(await page.getByRole('heading', { name: 'View as another role' }).count(), 1);
    await page.getByLabel('NHS number').fill(NHS);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Role').selectOption('DISTRICT_NURSE');
    await page.getByLabel('Organisation').selectOption('RCX');
    await page.getByRole('button', { name: 'Preview their view' }).click();
    await page.locator('#preview-heading').waitFor();
    const shown = await page.locator('#preview-result').textContent();
    assert.match(shown, /A district nurse at RCX would see 2 entries\./);
    assert.match(shown, /never what the entries say/);
    assert.equal(await page.locator('#preview-result table tbody tr').count(), 2);
    assert.match(await page.locator('#preview-result table tbody td').first().textContent(), /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(shown, /Asthma|Paracetamol|Diabetes|Low mood|carer visits/);
    await accessible(page, 'view as (IG)');
    await shot(page, 'view-as-ig');
  });

  it('a district nurse is not offered it, and asking the API anyway is refused', async () => {
    const nurse = await apiAs('district-nurse');
    const r = await nurse('GET', `/api/patients/${NHS}/record/preview?role=SOCIAL_WORKER&organisation=LA601&purpose=CARE_PLANNING`);
    assert.equal(r.status, 403);
    const page = await newPage(browser);
    await signIn(page, 'district-nurse', `/#/patients/${NHS}`);
    await page.locator('#record-name').waitFor();
    assert.equal(await page.locator('#view-as').count(), 0);
  });
});

describe('the session', () => {
  it('an expired sign-in goes back through sign-in and keeps what was typed', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp');
    await page.getByLabel('Surname').fill('Example');
    await page.getByLabel('Date of birth').fill('1970-01-02');
    // the token the page holds expires: a genuinely expired token of this GP when BrowserJourneyTest runs the journeys
    // (signed by the application's identity provider, expired an hour ago), otherwise a spoiled signature; the API
    // answers 401 invalid-token either way
    await page.evaluate(expired => {
      const s = JSON.parse(sessionStorage.getItem('careledger.session'));
      s.accessToken = expired ?? s.accessToken.slice(0, -4) + 'AAAA';
      sessionStorage.setItem('careledger.session', JSON.stringify(s));
    }, process.env.EXPIRED_GP_TOKEN ?? null);
    await page.getByRole('button', { name: 'Find patient' }).click();
    await page.locator('#draft-restored').waitFor();
    assert.equal(await page.getByLabel('Surname').inputValue(), 'Example');
    assert.equal(await page.getByLabel('Date of birth').inputValue(), '1970-01-02');
    await page.getByRole('button', { name: 'Find patient' }).click();
    await page.locator('#results a').first().waitFor();
    assert.match(await page.locator('#results').textContent(), new RegExp(NHS.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3')));
  });

  it('a person holding several roles picks role and organisation, and keeps that role through an expired sign-in', async () => {
    const admin = await apiAs('administrator');
    const created = await admin('POST', '/api/directory/staff', { displayName: 'Robin Twoplaces' });
    assert.equal(created.status, 201);
    const user = created.body.id;
    assert.equal((await admin('POST', `/api/directory/staff/${user}/roles`, { role: 'DISTRICT_NURSE', organisation: 'RCX' })).status, 204);
    assert.equal((await admin('POST', `/api/directory/staff/${user}/roles`, { role: 'SOCIAL_WORKER', organisation: 'LA601' })).status, 204);
    const page = await newPage(browser);
    await signIn(page, user); // the user id alone: no role named
    await page.getByRole('heading', { name: 'Choose your role' }).waitFor();
    assert.equal(await page.locator('#who').textContent(), 'Signed in as Robin Twoplaces, District nurse at RCX');
    assert.equal(await page.locator('input[name=role]').count(), 2);
    await accessible(page, 'choose your role');
    await shot(page, 'choose-role');
    await page.getByLabel(/Social worker at .*\(LA601\)/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForFunction(() => document.querySelector('#who')?.textContent === 'Signed in as Robin Twoplaces, Social worker at LA601');
    await page.locator('#find').waitFor(); // no second question: the role was chosen
    await page.evaluate(n => { location.hash = `#/patients/${n}`; }, NHS);
    assert.deepEqual(await sectionsShown(page), ['Social care']);
    // the sign-in expires: signing in again comes back in the role chosen, with what was typed
    await page.evaluate(() => { location.hash = '#/'; });
    await page.getByLabel('Surname').fill('Example');
    await page.getByLabel('Date of birth').fill('1970-01-02');
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('careledger.session'));
      s.accessToken = s.accessToken.slice(0, -4) + 'AAAA';
      sessionStorage.setItem('careledger.session', JSON.stringify(s));
    });
    await page.getByRole('button', { name: 'Find patient' }).click();
    await page.locator('#draft-restored').waitFor();
    assert.equal(await page.getByLabel('Surname').inputValue(), 'Example');
    assert.equal(await page.getByLabel('Date of birth').inputValue(), '1970-01-02');
    assert.equal(await page.locator('#who').textContent(), 'Signed in as Robin Twoplaces, Social worker at LA601');
  });

  it('signing out ends the session here and at the identity provider', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#signed-out').waitFor();
    assert.equal(await page.locator('#who').count(), 0);
    await accessible(page, 'signed out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/login/); // the identity provider asks again: its session ended too
  });
});

describe('the patient portal and the IG console', () => {
  it('the patient sees who looked in plain words, reports one, changes a consent and downloads the record as FHIR', async () => {
    const page = await newPage(browser);
    await signIn(page, NHS, '/#/me/accesses');
    await page.locator('#accesses li').first().waitFor();
    const text = await page.locator('#accesses').textContent();
    assert.match(text, /District nurse|district nurse/i);
    await accessible(page, 'who has looked at my record');
    await shot(page, 'portal-accesses');
    // report the access by the district nurse
    const card = page.locator('#accesses li', { hasText: /district nurse/i }).first();
    await card.getByText("I don't recognise this access").click();
    await card.getByLabel('Tell us why (optional)').fill('I have not been referred to anyone');
    await card.getByRole('button', { name: 'Report this access' }).click();
    await card.getByRole('status').waitFor();
    assert.match(await card.textContent(), /You reported this access/);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sharing' }).click();
    await page.getByRole('heading', { name: 'Who my record is shared with' }).waitFor();
    await page.getByLabel('Organisation code').fill('LA601');
    await page.getByLabel('What you are deciding').selectOption('SHARE_IN');
    await page.getByLabel('Your decision').selectOption('REFUSED');
    await page.getByRole('button', { name: 'Save my decision' }).click();
    await page.locator('#saved').waitFor();
    const row = page.locator('tr', { hasText: 'LA601' });
    assert.match(await row.textContent(), /See my shared record\s*Not agreed/);
    await accessible(page, 'my consent');
    await shot(page, 'portal-consent');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My record', exact: true }).click();
    await page.locator('#record-name').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my record (FHIR)' }).click()]);
    const bundle = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
    assert.equal(bundle.resourceType, 'Bundle');
    assert.ok(bundle.entry.some(e => e.resource.resourceType === 'Condition'), 'the FHIR download holds the record');
  });

  it('the IG officer works the alert the report raised, and the patient sees the outcome', async () => {
    const ig = await newPage(browser);
    await signIn(ig, 'ig-officer');
    // the audit trail is a tracking projection: the alert appears within moments
    const link = ig.locator('a[data-kind="UNRECOGNISED_ACCESS"]').first();
    for (let i = 0; i < 30 && await link.count() === 0; i++) {
      await ig.reload();
      await ig.locator('#status-form').waitFor();
    }
    await accessible(ig, 'the alert queue');
    await shot(ig, 'ig-alerts');
    await link.click();
    await ig.locator('#alert-status').waitFor();
    assert.equal(await ig.locator('#alert-status').textContent(), 'Open');
    await ig.getByLabel('What you did or found').fill('Asked the community trust');
    await ig.getByRole('button', { name: 'Save review' }).click();
    await ig.locator('#alert-status', { hasText: 'Under review' }).waitFor();
    await ig.getByLabel('Outcome').selectOption('APPROPRIATE_ACCESS_CONFIRMED');
    await ig.getByLabel('Why').fill('On the caseload after a referral');
    await ig.getByRole('button', { name: 'Close the case' }).click();
    await ig.locator('#alert-status', { hasText: 'Closed' }).waitFor();
    await accessible(ig, 'an alert case');
    await shot(ig, 'ig-alert-case');

    await ig.goto(`${ig.url().split('#')[0]}#/ig/search?patient=${NHS}`);
    await ig.locator('#result-count').waitFor();
    assert.match(await ig.locator('#result-count').textContent(), /^\d+ records?/);
    assert.equal(await ig.locator('#chart-accesses canvas').count(), 1, 'accesses per day by basis is drawn');
    assert.doesNotMatch(await ig.locator('main').textContent(), /Asthma|Low mood/);
    await accessible(ig, 'audit search');
    await shot(ig, 'ig-audit-search');
    await ig.locator('a[href^="#/ig/entries/"]').first().click();
    await ig.getByRole('heading', { name: 'Who has seen this entry' }).waitFor();
    assert.ok(await ig.locator('tbody tr').count() >= 1, 'someone was shown the entry');
    await accessible(ig, 'who has seen an entry');

    // to the second: a time truncated to the minute can fall before the patient's registration a few seconds ago
    await ig.goto(`${ig.url().split('#')[0]}#/ig/who-could-see?patient=${NHS}&at=${encodeURIComponent(new Date().toISOString().slice(0, 19))}`);
    await ig.locator('#wcs-summary').waitFor();
    assert.match(await ig.locator('main').textContent(), /District nurse at RCX/);
    await accessible(ig, 'who could see');

    const patient = await newPage(browser);
    await signIn(patient, NHS, '/#/me/accesses');
    await patient.locator('#accesses li').first().waitFor();
    assert.match(await patient.locator('[data-report]').first().textContent(), /.+/);
    assert.equal(await patient.locator('[data-report]').first().getAttribute('data-report'), 'CLOSED');
  });
});

describe('clinician writes', () => {
  it('a diabetes annual review: one form makes several coded entries, shown in the record and its charts', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp', `/#/patients/${NHS}`);
    await page.locator('#record-name').waitFor();
    await page.getByRole('link', { name: 'Diabetes annual review' }).click();
    await page.getByLabel('HbA1c (mmol/mol)').fill('58');
    await page.getByLabel('Systolic blood pressure (mmHg)').fill('129');
    await page.getByLabel('Diastolic blood pressure (mmHg)').fill('81');
    await accessible(page, 'the diabetes annual review form');
    await shot(page, 'template-diabetes');
    await page.getByRole('button', { name: 'Save the diabetes annual review' }).click();
    await page.locator('#record-name').waitFor();
    assert.match(await page.locator('#section-TEST_RESULTS').textContent(), /Haemoglobin A1c measurement\s*58 mmol\/mol/);
    assert.match(await page.locator('#section-OBSERVATIONS').textContent(), /Diastolic blood pressure\s*81 mm\[Hg\]/);
    await page.locator('#section-OBSERVATIONS canvas').first().waitFor(); // drawn after the rows are shown
    assert.equal(await page.locator('#section-OBSERVATIONS canvas').count(), 1, 'systolic now has three points: charted');
  });

  it('an amendment after someone else changed the entry shows the conflict, then the latest version', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp', `/#/patients/${NHS}`);
    await page.locator('#record-name').waitFor();
    await page.getByRole('link', { name: 'History of Asthma' }).click();
    await page.locator('#entry-version').waitFor();
    const entry = page.url().split('/entries/')[1];
    // someone else amends it first (version 1 → 2)
    const gp2 = await apiAs('gp');
    const other = await gp2('POST', `/api/patients/${NHS}/entries/${entry}/amendments`, { content: { code: { system: 'SNOMED_CT', code: '195967001' }, displayTerm: 'Asthma (moderate)', effectiveDate: '2024-01-01' }, reason: 'Severity' }, { 'If-Match': '"1"' });
    assert.ok(other.status < 300, JSON.stringify(other.body));
    await page.getByLabel('Term').fill('Asthma (mild)');
    await page.getByLabel('Reason for the amendment').fill('Reviewed');
    await page.getByRole('button', { name: 'Save the amendment' }).click();
    await page.getByText('Someone else changed this entry first').waitFor();
    assert.match(await page.locator('#errors').textContent(), /Someone else changed this entry after you opened it/);
    await accessible(page, 'a version conflict');
    await shot(page, 'version-conflict');
    await page.locator('#reload-latest').click();
    await page.locator('#entry-version', { hasText: 'Version 2' }).waitFor();
    assert.equal(await page.locator('#entry-title').textContent(), 'Asthma (moderate)');
  });

  it('break glass: a reason, then the record with a visible countdown to expiry', async () => {
    const page = await newPage(browser);
    await signIn(page, 'pharmacist', `/#/patients/${NHS}`);
    await page.locator('#break-glass').click();
    await page.getByLabel('Why you need the record now').fill('Unconscious in the pharmacy, needs allergy check');
    await accessible(page, 'the break glass form');
    await page.getByRole('button', { name: 'Use emergency access' }).click();
    await page.locator('#record-name').waitFor();
    assert.match(await page.locator('#countdown').textContent(), /^[0-3] hours? \d+ minutes? left$/);
    assert.match(await page.locator('main').textContent(), /You are using emergency access/);
    await accessible(page, 'a record opened by emergency access');
    await shot(page, 'break-glass-countdown');
  });

  it('consent on the patient\'s behalf and a grant given then revoked', async () => {
    const page = await newPage(browser);
    await signIn(page, 'gp', `/#/patients/${NHS}/consent`);
    await page.getByLabel('What the patient decided about').selectOption('SHARE_IN');
    await page.getByLabel('Organisation code (for sharing decisions)').fill('RCX');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.locator('#consent-saved').waitFor();
    await accessible(page, 'consent on the patient\'s behalf');
    await page.goto(`${page.url().split('#')[0]}#/patients/${NHS}/grants`);
    await page.getByLabel('Their code or id').fill('RCX');
    await page.getByLabel('Problems and diagnoses').check();
    await page.getByRole('button', { name: 'Give access' }).click();
    await page.locator('#granted').waitFor();
    await page.getByLabel('Reason').fill('Referral completed');
    await page.getByRole('button', { name: 'Revoke access' }).click();
    await page.locator('#revoked').waitFor();
    await accessible(page, 'give or revoke access');
  });
});

describe('page weight and time (measured, reported in docs/benchmarks.md, not asserted)', () => {
  it('first load of the record page, and a 200-entry record rendered', async () => {
    const nhs = freshNhsNumber();
    const gp = await apiAs('gp');
    assert.ok((await gp('POST', `/api/patients/${nhs}`, { demographics: { givenName: 'Bulk', familyName: 'Example', birthDate: '1950-05-05', gender: 'UNKNOWN',
      address: { line1: '2 High Street', town: 'South Moor', postcode: 'SM1 1AB' } } })).status < 300);
    for (let i = 0; i < 200; i++) {
      const day = new Date(Date.UTC(2020, 0, 1) + i * 86400_000).toISOString().slice(0, 10);
      const body = i % 2 === 0
        ? { section: 'OBSERVATIONS', content: { code: { system: 'SNOMED_CT', code: '271649006' }, displayTerm: 'Systolic blood pressure', effectiveDate: day, value: { value: 120 + (i % 30), unit: 'mm[Hg]' } } }
        : { section: 'CONSULTATIONS', content: { text: `Review number ${i}`, effectiveDate: day } };
      assert.ok((await gp('POST', `/api/patients/${nhs}/entries`, body)).status < 300);
    }
    const page = await newPage(browser);
    await signIn(page, 'gp');
    const cold = await newPage(browser); // a fresh context: nothing cached
    await signIn(cold, 'gp', `/#/patients/${nhs}`);
    await cold.locator('#record-name').waitFor();
    const bytes = await cold.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
      .filter(e => !e.name.includes('/oauth2/') && !e.name.includes('/login') && !e.name.includes('/api/'))
      .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0));
    const started = Date.now();
    await page.evaluate(n => { location.hash = `#/patients/${n}`; }, nhs);
    await page.locator('#section-CONSULTATIONS tbody tr').nth(99).waitFor();
    const ms = Date.now() - started;
    assert.equal(await page.locator('main section > table > tbody > tr').count(), 200);
    console.log(`MEASURE record page first load: ${(bytes / 1024).toFixed(1)} KB transferred (static files, compressed)`);
    console.log(`MEASURE 200-entry record: ${ms} ms from navigation to rendered (request, audit, render)`);
    const split = await page.evaluate(() => {
      const at = n => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      return `API call and JSON ${(at('record:data') - at('record:request')).toFixed(0)} ms, DOM built ${(at('record:built') - at('record:data')).toFixed(0)} ms, shown ${(at('record:shown') - at('record:built')).toFixed(0)} ms`;
    });
    console.log(`MEASURE 200-entry record, where the time went: ${split}`);
  });
});
