package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.LocalDate;

/**
 * What an entry says: a clinical code with its display term, free text and/or a value with unit, the date it is
 * effective from, and optionally the pathway template it was recorded with. Coded sections require a code
 * (checked by the record, which knows the section).
 */
public record EntryContent(ClinicalCode code, String displayTerm, String text, Quantity value, LocalDate effectiveDate,
                           String pathwayTemplateId) {

    public static final int MAX_TEXT = 20_000;

    public EntryContent {
        Refusal.requireValue(effectiveDate, "effective date");
        Values.date(effectiveDate, "effective date");
        Values.text(displayTerm, "display term");
        Values.text(text, "free text");
        Values.text(pathwayTemplateId, "pathway template id");
        if (code != null && (displayTerm == null || displayTerm.isBlank())) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a coded entry needs its display term");
        }
        if (code == null && (text == null || text.isBlank())) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "an entry needs a code or free text");
        }
        if (text != null && text.length() > MAX_TEXT) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "free text is limited to " + MAX_TEXT + " characters");
        }
        if (pathwayTemplateId != null && (pathwayTemplateId.isBlank() || pathwayTemplateId.length() > 100)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a pathway template id is 1 to 100 characters");
        }
    }

    public static EntryContent coded(ClinicalCode code, String displayTerm, LocalDate effectiveDate) {
        return new EntryContent(code, displayTerm, null, null, effectiveDate, null);
    }

    public static EntryContent text(String text, LocalDate effectiveDate) {
        return new EntryContent(null, null, text, null, effectiveDate, null);
    }
}
