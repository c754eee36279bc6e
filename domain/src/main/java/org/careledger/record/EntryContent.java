package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.LocalDate;
import java.util.List;

/**
 * What an entry says: a clinical code with its display term, free text and/or a value with unit, the date it is
 * effective from, and optionally the pathway template it was recorded with. Coded sections require a code
 * (checked by the record, which knows the section).
 * <p>
 * A migrated entry also keeps what its source system said and where it came from: {@code codings}, every coding
 * of the concept with its system URI (SNOMED CT, LOINC, dm+d, RxNorm, CVX, ...; the ledger's {@code code} is the
 * SNOMED CT or dm+d one among them, if any), and {@code source}, the source system and resource id (provenance).
 * Both are empty for entries written in CareLedger (the ledger's JSON then omits them, so such events are written
 * exactly as before they existed: see docs/events.md).
 */
public record EntryContent(ClinicalCode code, String displayTerm, String text, Quantity value, LocalDate effectiveDate,
                           String pathwayTemplateId, List<SourceCoding> codings, SourceReference source) {

    public static final int MAX_TEXT = 20_000;
    public static final int MAX_CODINGS = 20;

    /** An entry written in CareLedger: no source codings, no source. */
    public EntryContent(ClinicalCode code, String displayTerm, String text, Quantity value, LocalDate effectiveDate,
                        String pathwayTemplateId) {
        this(code, displayTerm, text, value, effectiveDate, pathwayTemplateId, List.of(), null);
    }

    public EntryContent {
        codings = codings == null ? List.of() : List.copyOf(codings);
        if (codings.size() > MAX_CODINGS) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "an entry keeps at most " + MAX_CODINGS + " codings");
        }
        Refusal.requireValue(effectiveDate, "effective date");
        Values.date(effectiveDate, "effective date");
        Values.text(displayTerm, "display term");
        Values.text(text, "free text");
        Values.text(pathwayTemplateId, "pathway template id");
        if ((code != null || !codings.isEmpty()) && (displayTerm == null || displayTerm.isBlank())) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a coded entry needs its display term");
        }
        if (code == null && codings.isEmpty() && (text == null || text.isBlank())) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "an entry needs a code or free text");
        }
        if (text != null && text.length() > MAX_TEXT) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "free text is limited to " + MAX_TEXT + " characters");
        }
        if (pathwayTemplateId != null && (pathwayTemplateId.isBlank() || pathwayTemplateId.length() > 100)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a pathway template id is 1 to 100 characters");
        }
    }

    /** True if the entry is coded: a ledger code, or a coding its source system gave. */
    public boolean hasCode() {
        return code != null || !codings.isEmpty();
    }

    public static EntryContent coded(ClinicalCode code, String displayTerm, LocalDate effectiveDate) {
        return new EntryContent(code, displayTerm, null, null, effectiveDate, null);
    }

    public static EntryContent text(String text, LocalDate effectiveDate) {
        return new EntryContent(null, null, text, null, effectiveDate, null);
    }
}
