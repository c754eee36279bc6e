package org.careledger.api.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.careledger.shared.NhsNumber;
import org.careledger.views.ViewRebuild;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random values, valid and nasty (control characters, lone surrogates, numbers past every limit, dates outside
 * FHIR's years or given as numbers), written through the HTTP API as a GP: never a 500; every accepted value reads
 * back as written, in the record, in the FHIR export and after the views are rebuilt from the ledger.
 * Fixed seed, a few hundred tries.
 */
class InputFuzzTest extends ApiTest {

    private static final long SEED = 20261201L;
    private static final int TRIES = 300;
    /** Escapes every non-ASCII character, so a lone surrogate travels as the JSON escape a client would send. */
    private static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();

    @Autowired
    ViewRebuild rebuild;

    record Accepted(String text, BigDecimal value, String date) {
    }

    private static final char[] NASTY = {'\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f',
            '\ud800', '\udbff', '\udc00', '\udfff', '\n', '\t', '\r', '"', '\\', '\u2028', '\ufeff'};
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-éßø日本";
    private static final List<String> FIXED_NUMBERS = List.of("1e9999", "1e10001", "-1e9999", "0.1234567890123456789",
            "1e18", "1e17", "-0", "0.0", "1e-100", "1e-101", "120", "152.0", "12345e13");
    private static final List<String> OUTSIDE_DATES = List.of("\"0000-01-01\"", "\"-0001-01-01\"", "\"-4713-01-01\"",
            "\"+10000-01-01\"", "\"+999999999-12-31\"", "\"2024-02-30\"", "\"2024-13-01\"", "\"\"");
    private static final List<String> NUMBER_DATES = List.of("20240101", "2147483647", "0", "-1", "1.5",
            "9223372036854775807");

    /** Text: clean (letters, newlines, tabs, emoji) or mixed with nasty characters and arbitrary UTF-16 units. */
    static String text(Random random) {
        StringBuilder b = new StringBuilder("a");
        int length = random.nextInt(41);
        boolean clean = random.nextInt(10) < 6;
        for (int i = 0; i < length; i++) {
            if (clean) {
                int kind = random.nextInt(20);
                b.append(kind == 0 ? "\n" : kind == 1 ? "\t" : kind == 2 ? "\ud83d\ude00"
                        : String.valueOf(LETTERS.charAt(random.nextInt(LETTERS.length()))));
                continue;
            }
            int kind = random.nextInt(10);
            if (kind < 6) {
                b.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            } else if (kind < 8) {
                b.append(NASTY[random.nextInt(NASTY.length)]);
            } else {
                b.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
        }
        return b.toString();
    }

    /** A JSON number: a valid measurement, a random exponent, a long run of digits, or a known edge. */
    static String number(Random random) {
        return switch (random.nextInt(6)) {
            case 0, 4, 5 -> BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000L, random.nextInt(6)).toPlainString();
            case 1 -> (1 + random.nextInt(99)) + "e" + (random.nextInt(24_001) - 12_000);
            case 2 -> "1" + digits(random, random.nextInt(41));
            default -> FIXED_NUMBERS.get(random.nextInt(FIXED_NUMBERS.size()));
        };
    }

    /** A JSON date: mostly valid ISO strings in 0001-9999, some outside FHIR's years, some JSON numbers. */
    static String date(Random random) {
        int kind = random.nextInt(10);
        if (kind < 7) {
            return "\"%04d-%02d-%02d\"".formatted(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28));
        }
        return kind < 9 ? OUTSIDE_DATES.get(random.nextInt(OUTSIDE_DATES.size()))
                : NUMBER_DATES.get(random.nextInt(NUMBER_DATES.size()));
    }

    private static String digits(Random random, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    @Test
    void random_values_never_answer_500_and_every_accepted_value_reads_back_in_the_record_the_export_and_after_a_rebuild()
            throws IOException {
        NhsNumber patient = register("Fuzzby", "1970-01-02");
        String entries = "/api/patients/" + patient + "/entries";
        Random random = new Random(SEED);
        Map<String, Accepted> accepted = new LinkedHashMap<>();
        int refused = 0;
        for (int i = 0; i < TRIES; i++) {
            String t = text(random);
            String n = number(random);
            String d = date(random);
            String body = """
                    {"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"75367002"},
                     "displayTerm":"BP","text":%s,"effectiveDate":%s,"value":{"value":%s,"unit":"mm[Hg]"}}}"""
                    .formatted(ESCAPING.writeValueAsString(t), d, n);
            Answer answer = send(request(GP_USER, entries).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(answer.status()).as("try %d: %s", i, answer.raw()).isIn(201, 400);
            if (answer.status() == 400) {
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                refused++;
            } else {
                accepted.put(answer.body().get("entry").asText(),
                        new Accepted(t, new BigDecimal(n), d.replace("\"", "")));
            }
        }
        assertThat(accepted).as("some random values are valid").hasSizeGreaterThan(TRIES / 10);
        assertThat(refused).as("some random values are not").isGreaterThan(TRIES / 10);

        assertReadsBack(patient, accepted);
        Answer export = get(GP_USER, "/fhir/Patient/" + patient + "/$everything?purpose=DIRECT_CARE");
        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        for (Accepted a : accepted.values()) {
            assertThat(export.raw()).contains(a.date());
        }
        assertThat(rebuild.rebuild(ViewRebuild.Progress.NONE).swapped()).isTrue();
        assertReadsBack(patient, accepted);
        assertThat(get(GP_USER, "/fhir/Patient/" + patient + "/$everything?purpose=DIRECT_CARE").status())
                .isEqualTo(200);
    }

    private void assertReadsBack(NhsNumber patient, Map<String, Accepted> accepted) throws IOException {
        Answer record = get(GP_USER, "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        assertThat(record.status()).as(record.raw()).isEqualTo(200);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        EXACT.readTree(record.raw()).get("entries").forEach(e -> byId.put(e.get("entry").asText(), e.get("content")));
        accepted.forEach((id, a) -> {
            JsonNode content = byId.get(id);
            assertThat(content).as("entry " + id).isNotNull();
            assertThat(content.get("text").asText()).as("text of " + id).isEqualTo(a.text());
            assertThat(content.get("value").get("value").decimalValue()).as("value of " + id)
                    .isEqualByComparingTo(a.value());
            assertThat(content.get("effectiveDate").asText()).as("date of " + id).isEqualTo(a.date());
        });
    }
}
