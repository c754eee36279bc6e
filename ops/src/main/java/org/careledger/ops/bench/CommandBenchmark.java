package org.careledger.ops.bench;

import org.axonframework.common.IdentifierFactory;
import org.careledger.storage.TimeOrderedIdentifierFactory;
import org.HdrHistogram.Histogram;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.record.Address;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.Quantity;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Command throughput and latency (patient registration + entry recording) against a baseline of one raw JDBC
 * transaction per command writing the same rows (see {@link #sameRows}), at the same concurrency, in the same run and
 * on the same database.
 * A harness, not a test: its figures go in docs/benchmarks.md as ratios.
 */
public final class CommandBenchmark {

    /** Entries recorded per registered patient: one unit of work is 1 registration + this many entries. */
    static final int ENTRIES_PER_PATIENT = 4;

    private final CommandGateway commands;
    private final DataSource dataSource;
    private final Clock clock;
    private final TestRangeNumbers numbers = new TestRangeNumbers(999_500_000L);
    private final OdsCode practice;
    private final Actor gp;

    public CommandBenchmark(CommandGateway commands, DataSource dataSource, Clock clock) {
        this.commands = commands;
        this.dataSource = dataSource;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.practice = OdsCode.of(String.format("B%05d", random.nextInt(100_000)));
        this.gp = Actor.staff(new UserId(UUID.randomUUID()), Role.GP, practice);
    }

    /** One phase's figures. */
    public record Result(String workload, int threads, long operations, double seconds, Histogram latencyMicros) {
        public double perSecond() {
            return operations / seconds;
        }

        public double p50Millis() {
            return latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        public double p99Millis() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }
    }

    public void prepare() throws SQLException {
        numbers.continueAbove(dataSource);
        Actor admin = Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26"));
        commands.sendAndWait(new RegisterOrganisation(practice, "Benchmark practice", OrganisationType.GP_PRACTICE,
                admin, clock.instant()));
    }

    /** The tables a RegisterPatient or RecordEntry writes a row to (ADR 7, ADR 10), copied for the baseline. */
    static final List<String> WRITTEN_TABLES = List.of("domain_event_entry", "patient", "view_patient",
            "patient_index", "view_entry");
    static final List<String> WRITTEN_AUDIT_TABLES = List.of("audit_patient_name", "audit_entry");
    private static final String RAW = "bench_raw_cmd";

    private byte[] registrationPayload;
    private byte[] entryPayload;
    private byte[] metaData;
    private String demographicsJson;
    /** An entry's content as the views store it (EntryContentCodec). */
    private byte[] entryContent;

    /**
     * The same-rows baseline's set-up: a scratch schema with a copy (columns, keys, indexes, defaults) of every table
     * a command writes to, and, from one real registration and one real entry recorded here, the stored payloads: the
     * baseline writes rows of the same sizes and number (the role views are computed when read, ADR 27: no rows).
     */
    public void prepareSameRows() throws SQLException {
        NhsNumber sample = numbers.next();
        commands.sendAndWait(new RegisterPatient(sample, demographics(), practice, gp, clock.instant()));
        commands.sendAndWait(observation(sample));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String audit;
            try (var rs = s.executeQuery("SELECT schema_name FROM audit_generation WHERE state = 'ACTIVE'")) {
                rs.next();
                audit = rs.getString(1);
            }
            s.execute("DROP SCHEMA IF EXISTS " + RAW + " CASCADE");
            s.execute("CREATE SCHEMA " + RAW);
            s.execute("CREATE SEQUENCE " + RAW + ".global_index_seq");
            for (String t : WRITTEN_TABLES) {
                s.execute("CREATE TABLE " + RAW + "." + t + " (LIKE public." + t + " INCLUDING ALL)");
            }
            s.execute("ALTER TABLE " + RAW + ".domain_event_entry ALTER COLUMN global_index SET DEFAULT nextval('"
                    + RAW + ".global_index_seq')");
            for (String t : WRITTEN_AUDIT_TABLES) {
                s.execute("CREATE TABLE " + RAW + "." + t + " (LIKE " + audit + "." + t + " INCLUDING ALL)");
            }
            registrationPayload = lastPayload(s, "org.careledger.record.PatientRegistered", "payload");
            entryPayload = lastPayload(s, "org.careledger.record.EntryRecorded", "payload");
            metaData = lastPayload(s, "org.careledger.record.EntryRecorded", "meta_data");
            try (var rs = s.executeQuery("SELECT demographics::text FROM view_patient WHERE nhs_number = '"
                    + sample.value() + "'")) {
                rs.next();
                demographicsJson = rs.getString(1);
            }
            try (var rs = s.executeQuery("SELECT content FROM view_entry WHERE nhs_number = '"
                    + sample.value() + "'")) {
                rs.next();
                entryContent = rs.getBytes(1);
            }
        }
    }

    /** Rows per unit of work of the same-rows baseline, to print beside the figures. */
    public String sameRowsDescription() {
        return String.format(java.util.Locale.ROOT, "same-rows baseline: a registration = 1 transaction of 5 INSERTs "
                + "(event row %d B payload, patient register, sharing state, patient index, audit surname); an entry = 1 "
                + "transaction of 3 INSERTs (event row %d B payload, entry, audit entry)",
                registrationPayload.length, entryPayload.length);
    }

    private static byte[] lastPayload(Statement s, String type, String column) throws SQLException {
        try (var rs = s.executeQuery("SELECT " + column + " FROM domain_event_entry WHERE payload_type = '" + type
                + "' ORDER BY global_index DESC LIMIT 1")) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    /**
     * The same-rows baseline: each operation (a registration, then four entries, as the commands) is ONE raw JDBC
     * transaction inserting the rows the command's transaction writes (the event row, the registers, the sharing
     * state, the entry (with its history's first row, ADR 30), the audit trail's row) into the scratch copies, and
     * committing durably. No aggregate loading, no checks, no framework: what PostgreSQL needs for the same rows.
     */
    public Result sameRows(int threads, Duration warmUp, Duration measure) throws Exception {
        return run("same-rows transaction", threads, warmUp, measure, thread -> new ClosedLoop.Worker() {
            final Connection c = dataSource.getConnection();
            final PreparedStatement event = c.prepareStatement("INSERT INTO " + RAW + ".domain_event_entry "
                    + "(event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type, "
                    + "payload_revision, payload, meta_data) VALUES (?, ?, ?, 'PatientRecord', ?, ?, '1', ?, ?) "
                    + "RETURNING global_index");
            final PreparedStatement patient = c.prepareStatement("INSERT INTO " + RAW
                    + ".patient (nhs_number, registered_practice) VALUES (?, ?)");
            final PreparedStatement sharing = c.prepareStatement("INSERT INTO " + RAW + ".view_patient (nhs_number, "
                    + "registered_practice, registration_event, demographics, demographics_event) VALUES (?, ?, ?, ?::jsonb, ?)");
            final PreparedStatement index = c.prepareStatement("INSERT INTO " + RAW + ".patient_index (nhs_number, "
                    + "family_name, birth_date, registered_practice) VALUES (?, ?, ?, ?)");
            final PreparedStatement surname = c.prepareStatement("INSERT INTO " + RAW + ".audit_patient_name "
                    + "(patient, global_index, surname, postcode) VALUES (?, ?, ?, ?)");
            final PreparedStatement entry = c.prepareStatement("INSERT INTO " + RAW + ".view_entry (entry_id, "
                    + "nhs_number, version, section, authoring_organisation, author_user, author_role, sensitivity, "
                    + "entered_in_error, content, recorded_at, effective_date, event_id) VALUES (?, ?, 1, 'OBSERVATIONS', "
                    + "?, ?, 'GP', 'NORMAL', false, ?, now(), ?, ?)");
            final PreparedStatement auditEntry = c.prepareStatement("INSERT INTO " + RAW + ".audit_entry (entry_id, "
                    + "patient, section, global_index) VALUES (?, ?, 'OBSERVATIONS', ?)");
            String nhs;
            int entries = ENTRIES_PER_PATIENT;

            {
                c.setAutoCommit(false);
            }

            @Override
            public void once() throws SQLException {
                String eventId = IdentifierFactory.getInstance().generateIdentifier();
                if (entries == ENTRIES_PER_PATIENT) {
                    nhs = numbers.next().value();
                    long global = event(eventId, 0, "org.careledger.record.PatientRegistered", registrationPayload);
                    patient.setString(1, nhs);
                    patient.setString(2, practice.value());
                    patient.executeUpdate();
                    sharing.setString(1, nhs);
                    sharing.setString(2, practice.value());
                    sharing.setString(3, eventId);
                    sharing.setString(4, demographicsJson);
                    sharing.setString(5, eventId);
                    sharing.executeUpdate();
                    index.setString(1, nhs);
                    index.setString(2, "bench");
                    index.setObject(3, LocalDate.of(1970, 1, 1));
                    index.setString(4, practice.value());
                    index.executeUpdate();
                    surname.setString(1, nhs);
                    surname.setLong(2, global);
                    surname.setString(3, "bench");
                    surname.setString(4, "ZZ993ZZ");
                    surname.executeUpdate();
                    entries = 0;
                } else {
                    entries++;
                    UUID id = TimeOrderedIdentifierFactory.timeOrdered();
                    long global = event(eventId, entries, "org.careledger.record.EntryRecorded", entryPayload);
                    entry.setObject(1, id);
                    entry.setString(2, nhs);
                    entry.setString(3, practice.value());
                    entry.setObject(4, gp.user().value());
                    entry.setBytes(5, entryContent);
                    entry.setObject(6, LocalDate.of(2026, 11, 26));
                    entry.setString(7, eventId);
                    entry.executeUpdate();
                    auditEntry.setObject(1, id);
                    auditEntry.setString(2, nhs);
                    auditEntry.setLong(3, global);
                    auditEntry.executeUpdate();
                }
                c.commit();
            }

            private long event(String eventId, long sequence, String type, byte[] payload) throws SQLException {
                event.setString(1, eventId);
                event.setString(2, nhs);
                event.setLong(3, sequence);
                event.setString(4, clock.instant().toString());
                event.setString(5, type);
                event.setBytes(6, payload);
                event.setBytes(7, metaData);
                try (var rs = event.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }

            @Override
            public void close() throws SQLException {
                c.rollback();
                c.close();
            }
        });
    }

    /** Drops the baseline's scratch schema. */
    public void dropSameRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + RAW + " CASCADE");
        }
    }

    /** The ledger: each operation is one command (a registration or an entry), each its own transaction. */
    public Result commands(int threads, Duration warmUp, Duration measure) throws Exception {
        return run("commands", threads, warmUp, measure, thread -> new ClosedLoop.Worker() {
            NhsNumber patient;
            int entries = ENTRIES_PER_PATIENT;

            @Override
            public void once() {
                if (entries == ENTRIES_PER_PATIENT) {
                    patient = numbers.next();
                    commands.sendAndWait(new RegisterPatient(patient, demographics(), practice, gp, clock.instant()));
                    entries = 0;
                } else {
                    commands.sendAndWait(observation(patient));
                    entries++;
                }
            }
        });
    }

    private Result run(String name, int threads, Duration warmUp, Duration measure,
                       ClosedLoop.WorkerFactory workers) throws Exception {
        ClosedLoop.Measured m = ClosedLoop.run(threads, warmUp, measure, workers, ClosedLoop.Window.NONE);
        return new Result(name, threads, m.operations(), m.seconds(), m.latencyMicros());
    }

    private RecordEntry observation(NhsNumber patient) {
        return new RecordEntry(patient, new EntryId(TimeOrderedIdentifierFactory.timeOrdered()), Section.OBSERVATIONS,
                new EntryContent(ClinicalCode.snomed("271649006"), "Systolic blood pressure", null,
                        new Quantity(new BigDecimal("128"), "mm[Hg]"), LocalDate.of(2026, 11, 26), null),
                Sensitivity.NORMAL, gp, clock.instant());
    }

    private static Demographics demographics() {
        return new Demographics("Alex", "Bench", LocalDate.of(1970, 1, 1), Demographics.Gender.UNKNOWN,
                new Address("1 Bench Street", null, "Testtown", "ZZ99 3ZZ"));
    }
}
