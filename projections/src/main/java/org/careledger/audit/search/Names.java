package org.careledger.audit.search;

import java.text.Normalizer;
import java.util.Locale;

/** Name matching: upper case, accents stripped, letters only ("O'Brien-Núñez" and "OBRIENNUNEZ" match). */
public final class Names {

    private Names() {
    }

    public static String normalise(String name) {
        if (name == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return decomposed.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    }

    /** A staff member's surname from their display name: its last word ("Dr Ann Smith" → SMITH). */
    public static String surnameOf(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            return "";
        }
        String[] words = displayName.strip().split("\\s+");
        return normalise(words[words.length - 1]);
    }

    /** Postcodes compared without spaces, upper case. */
    public static String postcode(String postcode) {
        return postcode == null ? null : postcode.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }
}
