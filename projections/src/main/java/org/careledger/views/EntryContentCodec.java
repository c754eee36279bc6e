package org.careledger.views;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How the views store an entry's content ({@code view_entry.content}, {@code view_entry_history.content}; ADR 30):
 * its ledger JSON, deflated with a preset dictionary of the content's own vocabulary (member names, code systems,
 * the source reference's system and resource types). An entry's content is ~550 bytes of JSON, too small for
 * PostgreSQL's own compression (pglz gives up below a 25 % gain, and the zonky binaries have no lz4) and too small
 * for plain DEFLATE to find much repetition in; with the dictionary it is ~39 % of that (measured on 10,000 imported
 * entries, docs/benchmarks.md).
 * <p>
 * Stored form: one byte naming the dictionary ({@value #FORMAT_1}), then raw DEFLATE (RFC 1951). A later dictionary
 * gets the next number and this one stays readable; the views can also simply be rebuilt in the new form.
 * The ledger's events are not touched: this is the read model's storage only.
 */
public final class EntryContentCodec {

    /** The first dictionary's format byte. */
    static final byte FORMAT_1 = 1;

    /**
     * Dictionary 1, in the member order LedgerJson writes an EntryContent (record order, no spaces, no nulls in the
     * views). Most frequent last: DEFLATE codes nearer matches with fewer bits. Never change it: add a format.
     */
    private static final byte[] DICTIONARY_1 = String.join("",
            "\"pathwayTemplateId\":\"",
            "\"value\":{\"value\":", ",\"unit\":\"mmol/L\"}", ",\"unit\":\"mg/dL\"}", ",\"unit\":\"{score}\"}",
            ",\"unit\":\"kg\"}", ",\"unit\":\"mm[Hg]\"}",
            "{\"code\":{\"system\":\"DMD\",\"code\":\"",
            "{\"code\":{\"system\":\"LOINC\",\"code\":\"",
            "\"codings\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"",
            "\"codings\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"",
            "\"codings\":[{\"system\":\"https://dmd.nhs.uk\",\"code\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"MedicationRequest\",\"id\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"Condition\",\"id\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"Encounter\",\"id\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"DocumentReference\",\"id\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"DiagnosticReport\",\"id\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"Procedure\",\"id\":\"",
            "\"codings\":[{\"system\":\"http://loinc.org\",\"code\":\"",
            "\"source\":{\"system\":\"urn:careledger:source:fhir-import\",\"resourceType\":\"Observation\",\"id\":\"",
            "\"codings\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"", "\",\"display\":\"",
            "\"text\":\"One to be taken", "\"text\":\"", "\"displayTerm\":\"", "\"effectiveDate\":\"20",
            "{\"code\":{\"system\":\"SNOMED_CT\",\"code\":\"", "\"},\"displayTerm\":\"")
            .getBytes(StandardCharsets.UTF_8);

    /** Deflaters and inflaters hold native memory: one per thread, reset for each value. */
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(6, true));
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));

    private EntryContentCodec() {
    }

    /** The stored form of an entry's content JSON. */
    public static byte[] encode(String json) {
        byte[] in = json.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = DEFLATERS.get();
        deflater.reset();
        deflater.setDictionary(DICTIONARY_1);
        deflater.setInput(in);
        deflater.finish();
        byte[] out = new byte[in.length / 2 + 64];
        out[0] = FORMAT_1;
        int n = 1;
        while (!deflater.finished()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            n += deflater.deflate(out, n, out.length - n);
        }
        return Arrays.copyOf(out, n);
    }

    /** The content JSON of a stored form; an error naming no content when it is not one this codec wrote. */
    public static String decode(byte[] stored) {
        if (stored == null || stored.length < 2 || stored[0] != FORMAT_1) {
            throw new IllegalStateException("entry content in an unknown stored format ("
                    + (stored == null || stored.length == 0 ? "empty" : "format " + stored[0]) + ")");
        }
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        inflater.setDictionary(DICTIONARY_1);
        inflater.setInput(stored, 1, stored.length - 1);
        byte[] out = new byte[stored.length * 4];
        int n = 0;
        try {
            while (!inflater.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int inflated = inflater.inflate(out, n, out.length - n);
                if (inflated == 0 && inflater.needsInput()) {
                    throw new IllegalStateException("entry content truncated in the view");
                }
                n += inflated;
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("entry content corrupt in the view", e);
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
