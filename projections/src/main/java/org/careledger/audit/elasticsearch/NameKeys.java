package org.careledger.audit.elasticsearch;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The name and postcode keys both sides of a fuzzy patient search compute the same way (the analysis-common and
 * phonetic plugins are not on Maven Central, so n-grams are made here): lower case, accents stripped, split on
 * anything but letters ("Smith-Jones" gives smith, jones and smithjones), and padded trigrams of each word.
 */
public final class NameKeys {

    private NameKeys() {
    }

    /** The words of a name, and for a name of several words also the words joined. */
    public static List<String> words(String name) {
        if (name == null) {
            return List.of();
        }
        String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT);
        Set<String> words = new LinkedHashSet<>();
        StringBuilder joined = new StringBuilder();
        for (String word : plain.split("[^a-z]+")) {
            if (!word.isEmpty()) {
                words.add(word);
                joined.append(word);
            }
        }
        if (words.size() > 1) {
            words.add(joined.toString());
        }
        return new ArrayList<>(words);
    }

    /** Padded trigrams of each word, space-separated: "smith" gives "_sm smi mit ith th_". */
    public static String grams(List<String> words) {
        List<String> grams = new ArrayList<>();
        for (String word : words) {
            String padded = "_" + word + "_";
            for (int i = 0; i + 3 <= padded.length(); i++) {
                grams.add(padded.substring(i, i + 3));
            }
        }
        return String.join(" ", grams);
    }

    /** A postcode without spaces, upper case ("ls1 1ab" gives LS11AB). */
    public static String postcode(String postcode) {
        return postcode == null ? null : postcode.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }

    /** The outward code (district) of a normalised postcode: all but its last three characters. */
    public static String outward(String postcode) {
        return postcode == null || postcode.length() <= 3 ? postcode : postcode.substring(0, postcode.length() - 3);
    }
}
