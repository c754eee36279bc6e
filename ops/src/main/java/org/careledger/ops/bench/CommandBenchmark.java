package org.careledger.ops.bench;

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
 * Command throughput and latency (patient registration + entry recording) against a raw durable single-row INSERT
 * baseline of rows shaped like stored events, at the same concurrency, in the same run and on the same database.
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
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    create table if not exists bench_raw_event (
                      global_index bigserial primary key,
                      event_identifier varchar(255) not null unique,
                      aggregate_identifier varchar(255) not null,
                      sequence_number bigint not null,
                      type varchar(255),
                      time_stamp varchar(255) not null,
                      payload_type varchar(255) not null,
                      payload_revision varchar(255),
                      payload bytea not null,
                      meta_data bytea,
                      unique (aggregate_identifier, sequence_number))""");
        }
    }

    /** The server settings that decide what a commit costs, to print beside the figures. */
    public String durabilitySettings() throws SQLException {
        StringBuilder settings = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")) {
                try (var rs = s.executeQuery("show " + name)) {
                    rs.next();
                    settings.append(settings.isEmpty() ? "" : ", ").append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return settings.toString();
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
                    commands.sendAndWait(new RecordEntry(patient, new EntryId(UUID.randomUUID()), Section.OBSERVATIONS,
                            new EntryContent(ClinicalCode.snomed("271649006"), "Systolic blood pressure", null,
                                    new Quantity(new BigDecimal("128"), "mm[Hg]"), LocalDate.of(2026, 11, 26), null),
                            Sensitivity.NORMAL, gp, clock.instant()));
                    entries++;
                }
            }
        });
    }

    /** The baseline: one durable autocommit INSERT of an event-shaped row per operation. */
    public Result rawInserts(int threads, Duration warmUp, Duration measure) throws Exception {
        byte[] payload = new byte[560]; // a stored event's JSON is ~500-600 bytes
        java.util.Arrays.fill(payload, (byte) 'x');
        return run("raw INSERT", threads, warmUp, measure, thread -> new ClosedLoop.Worker() {
            final Connection connection = open();
            final PreparedStatement insert = prepare(connection);
            final String aggregate = UUID.randomUUID().toString();
            long sequence;

            @Override
            public void once() throws SQLException {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, aggregate);
                insert.setLong(3, sequence++);
                insert.setString(4, clock.instant().toString());
                insert.setBytes(5, payload);
                insert.executeUpdate();
            }

            @Override
            public void close() throws SQLException {
                connection.close();
            }

            private Connection open() {
                try {
                    Connection c = dataSource.getConnection();
                    c.setAutoCommit(true);
                    return c;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            private PreparedStatement prepare(Connection c) {
                try {
                    return c.prepareStatement("insert into bench_raw_event (event_identifier, aggregate_identifier, "
                            + "sequence_number, type, time_stamp, payload_type, payload_revision, payload, meta_data) "
                            + "values (?, ?, ?, 'Bench', ?, 'org.careledger.bench.Row', '1', ?, '\\x7b7d'::bytea)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private Result run(String name, int threads, Duration warmUp, Duration measure,
                       ClosedLoop.WorkerFactory workers) throws Exception {
        ClosedLoop.Measured m = ClosedLoop.run(threads, warmUp, measure, workers, ClosedLoop.Window.NONE);
        return new Result(name, threads, m.operations(), m.seconds(), m.latencyMicros());
    }

    private static Demographics demographics() {
        return new Demographics("Alex", "Bench", LocalDate.of(1970, 1, 1), Demographics.Gender.UNKNOWN,
                new Address("1 Bench Street", null, "Testtown", "ZZ99 3ZZ"));
    }
}
