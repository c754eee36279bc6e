package org.careledger.audit.search;

import org.careledger.audit.elasticsearch.PatientIndexSearch;

import org.careledger.audit.Channel;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.PatientSearched.SearchKind;
import org.careledger.audit.trail.AuditAppender;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Values;
import org.careledger.shared.Role;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/**
 * Finds patients by NHS number or by surname and date of birth. Every search appends a {@link PatientSearched}
 * event (the kind of query, never its terms, and the NHS numbers returned) and commits it before the results are
 * returned; if it cannot be stored, the search fails and returns nothing.
 */
@Service
public class PatientSearch {

    /** A surname search returns at most this many patients: narrow the terms instead of paging through people. */
    public static final int MAX_MATCHES = 50;
    /** A demographic search returns at most this many patients, best first. */
    public static final int MAX_DEMOGRAPHIC_MATCHES = 10;

    /** A patient found: who, when born, where registered. Names are shown by the record views, not the index. */
    public record Match(NhsNumber patient, LocalDate birthDate, OdsCode registeredPractice) {
    }

    private static final RowMapper<Match> MATCH = (rs, i) -> new Match(NhsNumber.of(rs.getString("nhs_number")),
            rs.getObject("birth_date", LocalDate.class),
            rs.getString("registered_practice") == null ? null : OdsCode.of(rs.getString("registered_practice")));

    private final JdbcTemplate jdbc;
    private final AuditAppender appender;
    private final Clock clock;
    private final PatientIndexSearch elasticsearch;

    public PatientSearch(JdbcTemplate jdbc, AuditAppender appender, ObjectProvider<Clock> clock,
                         ObjectProvider<PatientIndexSearch> elasticsearch) {
        this.jdbc = jdbc;
        this.appender = appender;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.elasticsearch = elasticsearch.getIfAvailable();
    }

    /**
     * A free-text demographic search ({@link DemographicQuery}: names, a date or year of birth, a postcode), at most
     * {@value #MAX_DEMOGRAPHIC_MATCHES} patients, best first. With Elasticsearch configured it is fuzzy (misspelt,
     * transposed, partial, hyphenated and former names, a postcode with or without its space); without it, the
     * PostgreSQL index answers exact surnames with the date or year of birth. Audited as its shape only.
     */
    public List<Match> byDemographics(Actor by, Channel channel, String text) {
        requireSearcher(by, channel);
        DemographicQuery query = DemographicQuery.parse(text);
        List<Match> found;
        if (elasticsearch != null) {
            found = elasticsearch.search(query, MAX_DEMOGRAPHIC_MATCHES);
        } else {
            if (query.birthYear() == null) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT,
                        "without the search service a demographic search needs a date or year of birth");
            }
            String[] surnames = query.names().stream().map(Names::normalise).filter(n -> !n.isEmpty())
                    .distinct().toArray(String[]::new);
            found = jdbc.query(connection -> {
                var select = connection.prepareStatement("""
                        SELECT nhs_number, birth_date, registered_practice FROM patient_index
                         WHERE family_name = ANY(?) AND birth_date >= ? AND birth_date < ?
                           AND (?::date IS NULL OR birth_date = ?::date)
                         ORDER BY nhs_number LIMIT ?""");
                select.setArray(1, connection.createArrayOf("varchar", surnames));
                select.setObject(2, LocalDate.of(query.birthYear(), 1, 1));
                select.setObject(3, LocalDate.of(query.birthYear() + 1, 1, 1));
                select.setObject(4, query.birthDate());
                select.setObject(5, query.birthDate());
                select.setInt(6, MAX_DEMOGRAPHIC_MATCHES);
                return select;
            }, MATCH);
        }
        return audited(by, channel, query.kind(), found);
    }

    public List<Match> byNhsNumber(Actor by, Channel channel, NhsNumber patient) {
        requireSearcher(by, channel);
        Refusal.requireValue(patient, "NHS number");
        List<Match> found = jdbc.query("""
                SELECT nhs_number, birth_date, registered_practice FROM patient_index WHERE nhs_number = ?""",
                MATCH, patient.value());
        return audited(by, channel, SearchKind.NHS_NUMBER, found);
    }

    public List<Match> bySurnameAndBirthDate(Actor by, Channel channel, String surname, LocalDate birthDate) {
        requireSearcher(by, channel);
        Values.text(surname, "surname");
        String name = Names.normalise(surname);
        if (name.isEmpty()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a surname search needs a surname");
        }
        Values.date(Refusal.requireValue(birthDate, "birth date"), "birth date");
        List<Match> found = jdbc.query("""
                SELECT nhs_number, birth_date, registered_practice FROM patient_index
                 WHERE family_name = ? AND birth_date = ? ORDER BY nhs_number LIMIT ?""",
                MATCH, name, birthDate, MAX_MATCHES);
        return audited(by, channel, SearchKind.SURNAME_AND_BIRTH_DATE, found);
    }

    private List<Match> audited(Actor by, Channel channel, SearchKind kind, List<Match> found) {
        appender.append(new PatientSearched(kind, found.stream().map(Match::patient).toList(), channel, by,
                clock.instant()));
        return found;
    }

    private static void requireSearcher(Actor by, Channel channel) {
        Refusal.requireValue(by, "who searches");
        Refusal.requireValue(channel, "channel");
        if (by.role() == Role.PATIENT) {
            throw Refusal.of(Refusal.Kind.NOT_PERMITTED, "a patient does not search for other patients");
        }
    }
}
