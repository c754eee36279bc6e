package org.careledger.ops.bench;

import org.HdrHistogram.Histogram;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.access.AccessDecision;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.directory.AssignRole;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Open-record latency: {@link RecordReads#open} (load the sharing state and the reader's role view in one
 * snapshot, decide with the access policy, append the {@code RecordAccessed} audit event, commit) by concurrent
 * readers, while writer threads keep recording entries and changing consent on OTHER patients at a steady rate.
 * The baseline, at the same concurrency in the same run on the same database: a plain autocommit JDBC SELECT of the
 * same patient's rows from the role view table (the same rows the read decides on), all columns read. A harness,
 * not a test: its figures go in docs/benchmarks.md as ratios. Writes its own practice, GP and patients into the
 * ledger it runs on: point it at a scratch database.
 */
public final class ReadBenchmark {

    /** The reader role: a GP at the patients' registered practice (basis REGISTERED, every section). */
    static final Role READER_ROLE = Role.GP;

    private static final String RAW_SELECT = """
            SELECT e.entry_id, e.version, e.section, e.authoring_organisation, e.author_user, e.sensitivity,
                   e.entered_in_error, e.content::text, e.recorded_at
            FROM view_role_entry r JOIN view_entry e ON e.entry_id = r.entry_id
            WHERE r.role = ? AND r.nhs_number = ? ORDER BY e.recorded_at, e.entry_id""";

    private final CommandGateway commands;
    private final DataSource dataSource;
    private final RecordReads reads;
    private final Clock clock;
    private final TestRangeNumbers numbers = new TestRangeNumbers(999_700_000L);
    private final OdsCode practice;
    private final Actor admin;
    private final Actor gp;
    private final Reader reader;
    private final List<NhsNumber> readPatients = new ArrayList<>();
    private final List<NhsNumber> writePatients = new ArrayList<>();
    private int entriesPerPatient;

    public ReadBenchmark(CommandGateway commands, DataSource dataSource, RecordReads reads, Clock clock) {
        this.commands = commands;
        this.dataSource = dataSource;
        this.reads = reads;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.practice = OdsCode.of(String.format("C%05d", random.nextInt(100_000)));
        this.admin = Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26"));
        this.gp = Actor.staff(new UserId(UUID.randomUUID()), READER_ROLE, practice);
        this.reader = Reader.staff(gp.user(), READER_ROLE, practice, Set.of());
    }

    /** One measured phase. {@code writes} is what the writers achieved during its measured window. */
    public record Result(String workload, int threads, long operations, double seconds, Histogram latencyMicros,
                         long writes) {
        public double perSecond() {
            return operations / seconds;
        }

        public double writesPerSecond() {
            return writes / seconds;
        }

        public double p50Millis() {
            return latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        public double p99Millis() {
            return latencyMicros.getValueAtPercentile(99) / 1000.0;
        }
    }

    /** What the setup did. */
    public record Setup(int patients, int entriesPerPatient, long commands, Duration took) {
        public double commandsPerSecond() {
            return commands / Math.max(0.001, took.toNanos() / 1e9);
        }
    }

    /**
     * Registers a practice, its GP and {@code patients} patients of {@code entries} entries each (sections
     * rotating, all NORMAL so that the GP's read discloses every row), plus the writers' own patients; through
     * commands, {@code threads} patients at a time.
     */
    public Setup setUp(int patients, int entries, int writers, int threads) throws Exception {
        this.entriesPerPatient = entries;
        numbers.continueAbove(dataSource);
        long started = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        send(new RegisterOrganisation(practice, "Read benchmark practice", OrganisationType.GP_PRACTICE, admin,
                clock.instant()), sent);
        send(new RegisterStaffMember(gp.user(), "Read Benchmark GP", admin, clock.instant()), sent);
        send(new AssignRole(gp.user(), READER_ROLE, practice, admin, clock.instant()), sent);
        for (int i = 0; i < patients; i++) {
            readPatients.add(numbers.next());
        }
        for (int i = 0; i < Math.max(2, writers * 2); i++) {
            writePatients.add(numbers.next());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            List<NhsNumber> all = new ArrayList<>(readPatients);
            all.addAll(writePatients);
            for (NhsNumber patient : all) {
                int n = readPatients.contains(patient) ? entries : 1;
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        send(new RegisterPatient(patient, demographics(), practice, gp, clock.instant()), sent);
                        for (int e = 0; e < n; e++) {
                            send(entry(patient, e), sent);
                        }
                    } catch (Exception ex) {
                        failure.compareAndSet(null, ex);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Setup(patients, entries, sent.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Checks once, before measuring, that both workloads read what they should: every entry of the patient. */
    public int checkRowsPerRead() throws SQLException {
        NhsNumber patient = readPatients.get(0);
        RecordRead read = reads.open(reader, patient, Purpose.DIRECT_CARE, Channel.API);
        if (read.basis() != AccessDecision.Basis.REGISTERED || read.entries().size() != entriesPerPatient) {
            throw new IllegalStateException("the benchmark read is not what it should be: basis " + read.basis()
                    + ", " + read.entries().size() + " of " + entriesPerPatient + " entries disclosed");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RAW_SELECT)) {
            int rows = selectAll(ps, patient);
            if (rows != entriesPerPatient) {
                throw new IllegalStateException("the role view holds " + rows + " rows for a benchmark patient, not "
                        + entriesPerPatient);
            }
        }
        return entriesPerPatient;
    }

    /** The server settings that decide what a commit costs, to print beside the figures. */
    public String durabilitySettings() throws SQLException {
        StringBuilder settings = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method",
                    "full_page_writes", "max_connections")) {
                try (ResultSet rs = s.executeQuery("show " + name)) {
                    rs.next();
                    settings.append(settings.isEmpty() ? "" : ", ").append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return settings.toString();
    }

    // ---- the two workloads ------------------------------------------------------------------------------------

    /** The subject: one audited open of a random benchmark patient's record per operation. */
    public Result opens(int readers, Duration warmUp, Duration measure, Writers writers) throws Exception {
        return run("open", readers, warmUp, measure, writers, thread -> () -> {
            RecordRead read = reads.open(reader, randomPatient(), Purpose.DIRECT_CARE, Channel.API);
            if (read.entries().size() != entriesPerPatient) {
                throw new IllegalStateException("a read disclosed " + read.entries().size() + " entries");
            }
        });
    }

    /** The baseline: one autocommit SELECT of the same rows (all columns read) per operation. */
    public Result rawSelects(int readers, Duration warmUp, Duration measure, Writers writers) throws Exception {
        return run("raw SELECT", readers, warmUp, measure, writers, thread -> new ClosedLoop.Worker() {
            final Connection connection = dataSource.getConnection();
            final PreparedStatement select = connection.prepareStatement(RAW_SELECT);

            {
                connection.setAutoCommit(true);
            }

            @Override
            public void once() throws SQLException {
                selectAll(select, randomPatient());
            }

            @Override
            public void close() throws SQLException {
                connection.close();
            }
        });
    }

    private static int selectAll(PreparedStatement select, NhsNumber patient) throws SQLException {
        select.setString(1, READER_ROLE.name());
        select.setString(2, patient.value());
        int rows = 0;
        long sink = 0;
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                sink += rs.getObject(1, UUID.class).hashCode() + rs.getInt(2) + rs.getString(3).length()
                        + rs.getString(4).length() + rs.getObject(5, UUID.class).hashCode()
                        + rs.getString(6).length() + (rs.getBoolean(7) ? 1 : 0) + rs.getString(8).length()
                        + rs.getObject(9, java.time.OffsetDateTime.class).getNano();
                rows++;
            }
        }
        return sink == Long.MIN_VALUE ? -1 : rows; // keeps the column reads from being optimised away
    }

    // ---- the writers --------------------------------------------------------------------------------------------

    /**
     * Writer threads recording entries (three writes in four) and flipping a share-out consent decision (one in
     * four) on the writers' own patients, each thread on a fixed schedule so that together they aim at
     * {@code perSecond}. A writer that falls behind by more than a second drops the backlog instead of bursting.
     */
    public final class Writers implements AutoCloseable {
        private final AtomicLong done = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Writers(int count, double perSecond) {
            if (count == 0 || perSecond <= 0) {
                return;
            }
            long intervalNanos = (long) (count * 1e9 / perSecond);
            for (int w = 0; w < count; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(writer, count, intervalNanos), "bench-writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void write(int writer, int count, long intervalNanos) {
            long next = System.nanoTime();
            int i = 0;
            try {
                while (!stop.get()) {
                    long now = System.nanoTime();
                    if (now < next) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(next - now, 50_000_000L));
                        continue;
                    }
                    if (now - next > 1_000_000_000L) {
                        next = now;
                    }
                    next += intervalNanos;
                    // the writer's own patients: writer, writer + count, ...
                    NhsNumber patient = writePatients.get((writer + count * (i / 4)) % writePatients.size());
                    if (i % 4 == 3) {
                        commands.sendAndWait(new RecordConsentDecision(patient, practice, ConsentDirection.SHARE_OUT,
                                (i / 4) % 2 == 0 ? ConsentDecision.REFUSED : ConsentDecision.GRANTED,
                                ConsentMethod.VERBAL, gp, clock.instant()));
                    } else {
                        commands.sendAndWait(entry(patient, i));
                    }
                    done.incrementAndGet();
                    i++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        long done() {
            Throwable f = failure.get();
            if (f != null) {
                throw new IllegalStateException("a benchmark writer failed: " + f.getMessage(), f);
            }
            return done.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    public Writers startWriters(int count, double perSecond) {
        return new Writers(count, perSecond);
    }

    // ---- the phase runner (as CommandBenchmark's) -----------------------------------------------------------------

    private Result run(String name, int threads, Duration warmUp, Duration measure, Writers writers,
                       ClosedLoop.WorkerFactory workers) throws Exception {
        long[] writes = new long[2];
        ClosedLoop.Measured m = ClosedLoop.run(threads, warmUp, measure, workers, new ClosedLoop.Window() {
            @Override
            public void opened() {
                writes[0] = writers.done();
            }

            @Override
            public void closed() {
                writes[1] = writers.done();
            }
        });
        return new Result(name, threads, m.operations(), m.seconds(), m.latencyMicros(), writes[1] - writes[0]);
    }

    // ---- generated content ------------------------------------------------------------------------------------

    private NhsNumber randomPatient() {
        return readPatients.get(ThreadLocalRandom.current().nextInt(readPatients.size()));
    }

    private static final AtomicInteger DAYS = new AtomicInteger();

    /** The i-th entry of a record: ten kinds rotating over eight sections, coded where the section needs it. */
    private RecordEntry entry(NhsNumber patient, int i) {
        LocalDate date = LocalDate.of(2015, 1, 1).plusDays(Math.floorMod(DAYS.incrementAndGet() * 7L + i, 3650));
        EntryContent content;
        Section section;
        switch (i % 10) {
            case 0, 5 -> {
                section = Section.OBSERVATIONS;
                content = new EntryContent(ClinicalCode.snomed("271649006"), "Systolic blood pressure", null,
                        new Quantity(BigDecimal.valueOf(110 + i % 50), "mm[Hg]"), date, null);
            }
            case 1 -> {
                section = Section.PROBLEMS;
                content = EntryContent.coded(ClinicalCode.snomed("38341003"), "Hypertensive disorder", date);
            }
            case 2 -> {
                section = Section.MEDICATIONS;
                content = new EntryContent(ClinicalCode.dmd("319773006"), "Amlodipine 5mg tablets",
                        "One to be taken once a day", null, date, null);
            }
            case 3 -> {
                section = Section.ALLERGIES;
                content = EntryContent.coded(ClinicalCode.snomed("91936005"), "Allergy to penicillin", date);
            }
            case 4 -> {
                section = Section.TEST_RESULTS;
                content = new EntryContent(ClinicalCode.snomed("43396009"), "Haemoglobin A1c measurement", null,
                        new Quantity(BigDecimal.valueOf(40 + i % 40), "mmol/mol"), date, null);
            }
            case 6, 7 -> {
                section = Section.CONSULTATIONS;
                content = EntryContent.text("Seen in surgery. Reviewed blood pressure readings and medication; "
                        + "no side effects reported. Lifestyle advice given. Review in three months.", date);
            }
            case 8 -> {
                section = Section.CARE_PLANS;
                content = EntryContent.text("Hypertension care plan: home readings weekly, annual review.", date);
            }
            default -> {
                section = Section.REFERRALS;
                content = EntryContent.text("Referred to cardiology outpatients for echocardiogram.", date);
            }
        }
        return new RecordEntry(patient, new EntryId(UUID.randomUUID()), section, content, Sensitivity.NORMAL, gp,
                clock.instant());
    }

    private void send(Object command, AtomicLong sent) {
        commands.sendAndWait(command);
        sent.incrementAndGet();
    }

    private static Demographics demographics() {
        return new Demographics("Alex", "Reader", LocalDate.of(1960, 5, 17), Demographics.Gender.UNKNOWN,
                new Address("2 Bench Street", null, "Testtown", "ZZ99 3ZZ"));
    }
}
