// Pathway templates: one form, several coded entries (each an ordinary entry with its pathwayTemplateId).
import type { components } from './api/schema';

type NewEntry = components['schemas']['NewEntry'];

export interface TemplateField { id: string; label: string; code: string; term: string; unit: string; section: 'OBSERVATIONS' | 'TEST_RESULTS'; min: number; max: number }
export interface Template { id: string; title: string; fields: TemplateField[] }

const SYSTOLIC: TemplateField = { id: 'systolic', label: 'Systolic blood pressure (mmHg)', code: '271649006', term: 'Systolic blood pressure', unit: 'mm[Hg]', section: 'OBSERVATIONS', min: 50, max: 300 };
const DIASTOLIC: TemplateField = { id: 'diastolic', label: 'Diastolic blood pressure (mmHg)', code: '271650006', term: 'Diastolic blood pressure', unit: 'mm[Hg]', section: 'OBSERVATIONS', min: 20, max: 200 };
const WEIGHT: TemplateField = { id: 'weight', label: 'Body weight (kg)', code: '27113001', term: 'Body weight', unit: 'kg', section: 'OBSERVATIONS', min: 1, max: 400 };

export const TEMPLATES: Record<string, Template> = {
  diabetes: { id: 'diabetes-annual-review', title: 'Diabetes annual review', fields: [
    { id: 'hba1c', label: 'HbA1c (mmol/mol)', code: '43396009', term: 'Haemoglobin A1c measurement', unit: 'mmol/mol', section: 'TEST_RESULTS', min: 10, max: 200 },
    SYSTOLIC, DIASTOLIC, WEIGHT,
    { id: 'egfr', label: 'eGFR (mL/min/1.73m²)', code: '80274001', term: 'Glomerular filtration rate', unit: 'mL/min/{1.73_m2}', section: 'TEST_RESULTS', min: 1, max: 200 },
    { id: 'cholesterol', label: 'Total cholesterol (mmol/L)', code: '252150008', term: 'Fasting lipid profile: total cholesterol', unit: 'mmol/L', section: 'TEST_RESULTS', min: 0.5, max: 20 },
  ] },
  hypertension: { id: 'hypertension-review', title: 'Hypertension review', fields: [
    SYSTOLIC, DIASTOLIC,
    { id: 'pulse', label: 'Heart rate (beats per minute)', code: '364075005', term: 'Heart rate', unit: '/min', section: 'OBSERVATIONS', min: 20, max: 250 },
    WEIGHT,
    { id: 'potassium', label: 'Serum potassium (mmol/L)', code: '271236005', term: 'Serum potassium level', unit: 'mmol/L', section: 'TEST_RESULTS', min: 1, max: 10 },
    { id: 'creatinine', label: 'Serum creatinine (µmol/L)', code: '1000731000000107', term: 'Serum creatinine level', unit: 'umol/L', section: 'TEST_RESULTS', min: 10, max: 2000 },
  ] },
};

/**
 * The entries a filled-in template makes: one per field with a value (blank fields make none), all dated the day
 * of the review and tagged with the template. Values out of the field's plausible range are errors, by field.
 */
export function entriesOf(template: Template, values: Record<string, string>, date: string): { entries: NewEntry[]; errors: Record<string, string> } {
  const entries: NewEntry[] = [];
  const errors: Record<string, string> = {};
  for (const f of template.fields) {
    const raw = (values[f.id] ?? '').trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < f.min || value > f.max) {
      errors[f.id] = `Enter ${f.label.replace(/ \(.*\)$/, '').toLowerCase()} as a number from ${f.min} to ${f.max}`;
      continue;
    }
    entries.push({ section: f.section, content: { code: { system: 'SNOMED_CT', code: f.code }, displayTerm: f.term, effectiveDate: date, value: { value, unit: f.unit }, pathwayTemplateId: template.id } });
  }
  return { entries, errors };
}
