package org.careledger.audit.search;

import org.careledger.audit.PatientSearched.SearchKind;
import org.careledger.shared.Refusal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A free-text demographic search, as a clinician types it ("Jon Smyth 1970", "smith-jones ls11ab 03/04/1981"):
 * a UK postcode (with or without its space), a date of birth (ISO or day/month/year) or a year of birth, and the
 * rest as name words. A search needs a name and at least a birth date/year or a postcode, so that nobody can list
 * the region's patients by a common surname. Only the shape ({@link #kind()}) is ever audited, never the terms.
 */
public record DemographicQuery(List<String> names, LocalDate birthDate, Integer birthYear, String postcode) {

    public static final int MAX_LENGTH = 200;
    private static final Pattern POSTCODE = Pattern.compile(
            "(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})(?![A-Z0-9])");
    private static final Pattern YEAR = Pattern.compile("(18|19|20)[0-9]{2}");
    private static final DateTimeFormatter UK_DATE = DateTimeFormatter.ofPattern("d/M/uuuu")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    public DemographicQuery {
        names = List.copyOf(names);
    }

    /** Parses the text; a clear refusal (INVALID_INPUT) when it is not a search the rules allow. */
    public static DemographicQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a demographic search needs a query");
        }
        if (text.length() > MAX_LENGTH) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a demographic search is at most " + MAX_LENGTH
                    + " characters");
        }
        String rest = text.toUpperCase(Locale.ROOT);
        String postcode = null;
        Matcher postcodes = POSTCODE.matcher(rest);
        if (postcodes.find()) {
            postcode = postcodes.group(1) + postcodes.group(2);
            rest = rest.substring(0, postcodes.start()) + " " + rest.substring(postcodes.end());
        }
        LocalDate birthDate = null;
        Integer birthYear = null;
        List<String> names = new ArrayList<>();
        for (String word : rest.split("[\\s,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            LocalDate date = date(word);
            if (date != null && birthDate == null) {
                birthDate = date;
            } else if (YEAR.matcher(word).matches() && birthYear == null) {
                birthYear = Integer.parseInt(word);
            } else if (word.chars().anyMatch(Character::isLetter)) {
                names.add(word.toLowerCase(Locale.ROOT));
            } else {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "a demographic search has names, a date or year of "
                        + "birth and a postcode; one word is none of these");
            }
        }
        if (birthDate != null) {
            birthYear = birthDate.getYear();
        }
        if (names.isEmpty()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a demographic search needs a name");
        }
        if (birthYear == null && postcode == null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT,
                    "a demographic search needs a date or year of birth or a postcode besides the name");
        }
        return new DemographicQuery(names, birthDate, birthYear, postcode);
    }

    /** The shape of the query: what is audited. */
    public SearchKind kind() {
        boolean birth = birthYear != null;
        boolean place = postcode != null;
        return birth && place ? SearchKind.NAME_BIRTH_AND_POSTCODE
                : birth ? SearchKind.NAME_AND_BIRTH : SearchKind.NAME_AND_POSTCODE;
    }

    private static LocalDate date(String word) {
        try {
            if (word.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(word);
            }
            if (word.matches("[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")) {
                return LocalDate.parse(word, UK_DATE);
            }
        } catch (DateTimeParseException e) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a date of birth in the search is not a date");
        }
        return null;
    }
}
