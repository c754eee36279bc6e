package org.careledger.ops.bench;

import org.careledger.storage.TimeOrderedIdentifierFactory;
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
 * same patient's rows from the role view (the same rows the read decides on), all columns read. A harness,
 * not a test: its figures go in docs/benchmarks.md as ratios. Writes its own practice, GP and patients into the
 * ledger it runs on: point it at a scratch database.
 */
public final class ReadBenchmark {

    /** The reader role: a GP at the patients' registered practice (basis REGISTERED, every section). */
    static final Role READER_ROLE = Role.GP;

    private static final String RAW_SELECT = """
            SELECT entry_id, version, section, authoring_organisation, author_user, sensitivity,
                   entered_in_error, content, recorded_at
            FROM view_role_entry
            WHERE role = ? AND nhs_number = ? ORDER BY recorded_at, entry_id""";

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
    /** The open loop's patients: the large ones and the realistic ones (sizes as the demo region's). */
    private final List<NhsNumber> openPatients = new ArrayList<>();
    /** The open loop's readers: clinicians of several roles at the registered practice. */
    private final List<Reader> openReaders = new ArrayList<>();
    /** Rows of each (role, patient) role view: what a read by that role must disclose (checked on every read). */
    private final java.util.Map<String, Integer> expectedRows = new java.util.concurrent.ConcurrentHashMap<>();
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
        return setUp(patients, entries, 0, writers, threads);
    }

    /** Roles of the open loop's readers (two clinicians each, all at the registered practice). */
    static final List<Role> OPEN_LOOP_ROLES = List.of(Role.GP, Role.PRACTICE_NURSE, Role.PRACTICE_ADMIN);

    /**
     * As {@link #setUp(int, int, int, int)}, plus {@code smallPatients} patients of realistic size (5 to 50 entries,
     * uniformly: the demo region's records average ~28) and two clinicians of each of {@link #OPEN_LOOP_ROLES} at the
     * practice, for the open loop.
     */
    public Setup setUp(int patients, int entries, int smallPatients, int writers, int threads) throws Exception {
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
        java.util.Map<NhsNumber, Integer> sizes = new java.util.HashMap<>();
        readPatients.forEach(p -> sizes.put(p, entries));
        openPatients.addAll(readPatients);
        java.util.Random sizesRandom = new java.util.Random(42);
        for (int i = 0; i < smallPatients; i++) {
            NhsNumber p = numbers.next();
            openPatients.add(p);
            sizes.put(p, 5 + sizesRandom.nextInt(46));
        }
        openReaders.add(reader);
        for (Role role : OPEN_LOOP_ROLES) {
            for (int k = role == READER_ROLE ? 1 : 0; k < 2; k++) {
                UserId user = new UserId(UUID.randomUUID());
                send(new RegisterStaffMember(user, "Read Benchmark " + role, admin, clock.instant()), sent);
                send(new AssignRole(user, role, practice, admin, clock.instant()), sent);
                openReaders.add(Reader.staff(user, role, practice, Set.of()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            List<NhsNumber> all = new ArrayList<>(openPatients);
            all.addAll(writePatients);
            for (NhsNumber patient : all) {
                int n = sizes.getOrDefault(patient, 1);
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
        loadExpectedRows();
        return new Setup(patients, entries, sent.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    private void loadExpectedRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT role, nhs_number, count(*) FROM view_role_entry WHERE nhs_number = ANY (?)
                GROUP BY role, nhs_number""")) {
            ps.setArray(1, c.createArrayOf("varchar", openPatients.stream().map(NhsNumber::value).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expectedRows.put(rs.getString(1) + "/" + rs.getString(2), rs.getInt(3));
                }
            }
        }
    }

    private int expected(Role role, NhsNumber patient) {
        return expectedRows.getOrDefault(role.name() + "/" + patient.value(), 0);
    }

    /** How many patients of each size the open loop reads, and which roles read them. */
    public String openLoopMix() {
        long large = openPatients.stream().filter(p -> expected(READER_ROLE, p) == entriesPerPatient).count();
        return String.format(java.util.Locale.ROOT, "open loop: %d patients (%d of %d entries, %d of 5-50), %d readers "
                + "(roles %s, at the registered practice), disclosing %d-%d entries per open", openPatients.size(), large,
                entriesPerPatient, openPatients.size() - large, openReaders.size(), OPEN_LOOP_ROLES,
                expectedRows.values().stream().mapToInt(i -> i).min().orElse(0),
                expectedRows.values().stream().mapToInt(i -> i).max().orElse(0));
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

    // ---- the open loop --------------------------------------------------------------------------------------------

    /** One rung of the open loop's ladder: the subject or the baseline at one arrival rate. */
    public record OpenResult(String workload, OpenLoop.Measured measured, long writes, org.HdrHistogram.Histogram auditLag) {
        public double p50() {
            return measured.p(50);
        }

        public double p95() {
            return measured.p(95);
        }

        public double p99() {
            return measured.p(99);
        }

        public double max() {
            return measured.maxMillis();
        }

        public double cpuMillisPerOp() {
            return measured.cpuMillisPerOp();
        }

        public double serverCpuMillisPerOp() {
            return measured.serverCpuMillisPerOp();
        }

        public double achievedPerSecond() {
            return measured.completed() / measured.seconds();
        }

        public double writesPerSecond() {
            return writes / measured.seconds();
        }

        public double auditLagP99Millis() {
            return auditLag == null || auditLag.getTotalCount() == 0 ? 0 : auditLag.getValueAtPercentile(99) / 1000.0;
        }

        public double auditLagMaxMillis() {
            return auditLag == null || auditLag.getTotalCount() == 0 ? 0 : auditLag.getMaxValue() / 1000.0;
        }
    }

    /**
     * The subject in the open loop: {@link RecordReads#open} by a random reader (random role) on a random patient
     * (200-entry or realistic size), arriving at {@code rate} per second. The audit alert checks' delays (commit to
     * check done, {@link org.careledger.audit.trail.AuditLag}) during the phase give the audit trail's lag.
     */
    public OpenResult openLoopOpens(double rate, Duration warmUp, Duration measure, int maxInFlight, Writers writers,
                                    org.careledger.audit.trail.AuditLag lag, Profile profile) throws Exception {
        org.HdrHistogram.Histogram lagMicros = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
        java.util.function.LongConsumer observer = nanos -> {
            synchronized (lagMicros) {
                lagMicros.recordValue(Math.min(lagMicros.getHighestTrackableValue(), Math.max(1, nanos / 1000)));
            }
        };
        if (lag != null) {
            lag.observe(observer);
        }
        try {
            long[] writes = new long[2];
            long[] window = new long[2];
            OpenLoop.Measured m = OpenLoop.run(rate, warmUp, measure, maxInFlight, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Reader r = openReaders.get(random.nextInt(openReaders.size()));
                NhsNumber patient = openPatients.get(random.nextInt(openPatients.size()));
                RecordRead read = reads.open(r, patient, Purpose.DIRECT_CARE, Channel.API);
                if (read.entries().size() != expected(r.role(), patient)) {
                    throw new IllegalStateException("a read disclosed " + read.entries().size() + " entries, not "
                            + expected(r.role(), patient));
                }
            }, () -> RunInfo.serverCpuNanos(dataSource), windowCounting(writers, writes, window, lagMicros));
            if (profile != null) {
                profile.window(window[0], window[1]);
            }
            return new OpenResult("open", m, writes[1] - writes[0], lagMicros);
        } finally {
            if (lag != null) {
                lag.stopObserving(observer);
            }
        }
    }

    /**
     * The baseline in the open loop, same arrivals, same random reader and patient: one transaction that SELECTs the
     * rows the read returns (the reader's role view of the patient joined to the entries, every column) and INSERTs
     * one audit-sized row (who, when, whom, and the disclosed entries with their versions, as the audit event
     * carries them) into a scratch table, committed durably.
     */
    public OpenResult openLoopBaseline(double rate, Duration warmUp, Duration measure, int maxInFlight,
                                       Writers writers) throws Exception {
        createRawAuditTable();
        long[] writes = new long[2];
        long[] window = new long[2];
        OpenLoop.Measured m = OpenLoop.run(rate, warmUp, measure, maxInFlight, () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Reader r = openReaders.get(random.nextInt(openReaders.size()));
            NhsNumber patient = openPatients.get(random.nextInt(openPatients.size()));
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                StringBuilder disclosed = new StringBuilder("[");
                int rows = 0;
                try (PreparedStatement select = c.prepareStatement(RAW_SELECT)) {
                    select.setString(1, r.role().name());
                    select.setString(2, patient.value());
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            UUID entry = rs.getObject(1, UUID.class);
                            int version = rs.getInt(2);
                            rs.getString(3);
                            rs.getString(4);
                            rs.getObject(5, UUID.class);
                            rs.getString(6);
                            rs.getBoolean(7);
                            rs.getBytes(8);
                            rs.getObject(9, java.time.OffsetDateTime.class);
                            disclosed.append(rows == 0 ? "" : ",").append("{\"entry\":\"").append(entry)
                                    .append("\",\"version\":").append(version).append('}');
                            rows++;
                        }
                    }
                }
                if (rows != expected(r.role(), patient)) {
                    throw new IllegalStateException("the raw SELECT read " + rows + " rows, not "
                            + expected(r.role(), patient));
                }
                try (PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO bench_raw_audit (event_id, occurred_at, user_id, role, organisation, patient,
                            payload) VALUES (?, now(), ?, ?, ?, ?, ?::jsonb)""")) {
                    insert.setObject(1, TimeOrderedIdentifierFactory.timeOrdered());
                    insert.setObject(2, r.user().value());
                    insert.setString(3, r.role().name());
                    insert.setString(4, r.organisation().value());
                    insert.setString(5, patient.value());
                    insert.setString(6, disclosed.append(']').toString());
                    insert.executeUpdate();
                }
                c.commit();
            }
        }, () -> RunInfo.serverCpuNanos(dataSource), windowCounting(writers, writes, window, null));
        return new OpenResult("raw SELECT + audit INSERT", m, writes[1] - writes[0], null);
    }

    private static ClosedLoop.Window windowCounting(Writers writers, long[] writes, long[] window,
                                                    org.HdrHistogram.Histogram resetAtOpen) {
        return new ClosedLoop.Window() {
            @Override
            public void opened() {
                writes[0] = writers.done();
                window[0] = System.currentTimeMillis();
                if (resetAtOpen != null) {
                    synchronized (resetAtOpen) {
                        resetAtOpen.reset(); // the audit lag of the measured window only
                    }
                }
            }

            @Override
            public void closed() {
                writes[1] = writers.done();
                window[1] = System.currentTimeMillis();
            }
        };
    }

    private void createRawAuditTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS bench_raw_audit (event_id uuid PRIMARY KEY, occurred_at timestamptz NOT NULL,
                        user_id uuid NOT NULL, role varchar(40) NOT NULL, organisation varchar(20), patient varchar(10),
                        payload jsonb NOT NULL)""");
        }
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
        return new RecordEntry(patient, new EntryId(TimeOrderedIdentifierFactory.timeOrdered()), section, content, Sensitivity.NORMAL, gp,
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
