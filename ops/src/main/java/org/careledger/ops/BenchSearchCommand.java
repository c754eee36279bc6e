package org.careledger.ops;

import org.careledger.audit.Channel;
import org.careledger.audit.elasticsearch.SearchConfiguration;
import org.careledger.audit.elasticsearch.SearchIndices;
import org.careledger.audit.search.PatientSearch;
import org.careledger.audit.trail.AuditCounts;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.demo.DemoRegion;
import org.careledger.ops.bench.RunInfo;
import org.careledger.ops.bench.SearchBenchmark;
import org.careledger.record.Demographics;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.elasticsearch.client.RestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code careledger bench-search} (issue 11): audit and patient search at regional scale. Generates synthetic audit
 * events set-based in PostgreSQL (default 10 million over 24 months: 260,000 patients, 600 staff), indexes the same
 * rows into Elasticsearch through the audit projection's document code and bulk write (timed against a raw NDJSON
 * {@code _bulk} of the same documents, alternately, in the same run), indexes the demo region's 260,000 patients'
 * demographics through the patient projection's document code, then measures query latency percentiles: accesses to
 * a patient over 24 months (PostgreSQL and Elasticsearch), per-user daily counts for one organisation over a month
 * (both), and fuzzy patient search. Needs {@code --careledger.search.elasticsearch.url}; writes to the ledger and
 * the node it is pointed at (default ledger: ./data/bench-search). A second run resumes the generation.
 */
@Command(name = "bench-search", mixinStandardHelpOptions = true,
        header = "Benchmark audit and patient search at scale.",
        description = "Generate synthetic audit events in PostgreSQL and Elasticsearch, index the demo region's "
                + "demographics, and measure search latency and indexing rate (needs "
                + "--careledger.search.elasticsearch.url).")
final class BenchSearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "10000000",
            description = "Synthetic audit events, 1000 to 50000000 (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--stop-at", paramLabel = "N", defaultValue = "-1",
            description = "Generate and index only up to row N this run (time still spread as for --events), then "
                    + "query; -1: all (default: ${DEFAULT-VALUE}).")
    long stopAt;

    @Option(names = "--patients", paramLabel = "P", defaultValue = "260000",
            description = "Patients (the demo region's), 100 to " + DemoRegion.MAX_PATIENTS + " (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--users", paramLabel = "U", defaultValue = "600",
            description = "Staff reading records, 10 to 100000 (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--chunk", paramLabel = "ROWS", defaultValue = "1000000",
            description = "Rows generated (and then indexed) per step, 1000 or more (default: ${DEFAULT-VALUE}).")
    long chunk;

    @Option(names = "--index-minutes", paramLabel = "M", defaultValue = "40",
            description = "Longest time spent indexing audit events into Elasticsearch; queries then run at the size "
                    + "reached (default: ${DEFAULT-VALUE}).")
    int indexMinutes;

    @Option(names = "--compare", paramLabel = "DOCS", defaultValue = "100000",
            description = "Documents per round of the projection-path vs raw _bulk comparison (default: ${DEFAULT-VALUE}).")
    int compare;

    @Option(names = "--batch", paramLabel = "DOCS", defaultValue = "500",
            description = "Documents per bulk request, as the projection's batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--queries", paramLabel = "Q", defaultValue = "200",
            description = "Measured queries of each kind (default: ${DEFAULT-VALUE}).")
    int queries;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (events < 1000 || events > 50_000_000L || patients < 100 || patients > DemoRegion.MAX_PATIENTS
                || users < 10 || users > 100_000 || chunk < 1000 || indexMinutes < 0 || compare < 1000
                || batch < 1 || batch > 10_000 || queries < 10) {
            throw new ParameterException(spec.commandLine(), "--events 1000-50000000, --patients 100-"
                    + DemoRegion.MAX_PATIENTS + ", --users 10-100000, --chunk >= 1000, --index-minutes >= 0, "
                    + "--compare >= 1000, --batch 1-10000, --queries >= 10");
        }
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--" + SearchConfiguration.URL + "="))) {
            throw new ParameterException(spec.commandLine(), "bench-search needs --" + SearchConfiguration.URL
                    + "=http://127.0.0.1:<port> (elasticsearch-node/run.sh starts a node)");
        }
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-search");
        }
        args.add("--careledger.demo.enabled=false");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            DataSource dataSource = ledger.getBean(DataSource.class);
            SearchIndices indices = ledger.getBean(SearchIndices.class);
            indices.ensureTemplates();
            SearchBenchmark bench = new SearchBenchmark(dataSource, indices, ledger.getBean(RestClient.class));
            out.println(RunInfo.jvm());
            out.println(RunInfo.database(dataSource));
            out.println("load average at start: " + SearchBenchmark.loadAverage());

            // the demo region's patients: NHS numbers for the audit rows, demographics for the patient index
            long t = System.nanoTime();
            List<NhsNumber> numbers = new ArrayList<>(patients);
            List<Object[]> registrations = new ArrayList<>(patients);
            DemoRegion region = new DemoRegion(DemoRegion.DEFAULT_SEED, patients);
            for (Iterator<DemoRegion.PatientCommands> it = region.patients(); it.hasNext(); ) {
                DemoRegion.PatientCommands p = it.next();
                numbers.add(p.patient());
                RegisterPatient register = (RegisterPatient) p.commands().stream()
                        .filter(RegisterPatient.class::isInstance).findFirst().orElseThrow();
                registrations.add(new Object[] {p.patient().value(), new PatientRegistered(register.patient(),
                        register.demographics(), register.registeredPractice(), register.by(), register.at())});
            }
            out.println(String.format(Locale.ROOT, "demo region: %d patients generated in %.1f s", patients, s(t)));
            long patientDocs = bench.count(SearchIndices.PATIENTS);
            if (patientDocs < patients) {
                long took = bench.indexPatients(registrations, batch);
                out.println(String.format(Locale.ROOT, "patient index: %d demographics through the patient projection's "
                        + "document code in %.1f s (%.0f docs/s)", patients, took / 1e9, patients / (took / 1e9)));
            } else {
                out.println("patient index: already holds " + patientDocs + " patients");
            }
            out.flush();

            Instant end = Instant.parse("2026-12-01T00:00:00Z");
            int days = 730;
            long present = bench.rowsPresent();
            long indexed = bench.count(SearchIndices.AUDIT_PREFIX + "*");
            out.println("audit rows present from an earlier run: " + present + " in PostgreSQL, " + indexed
                    + " documents in Elasticsearch");
            long deadline = System.nanoTime() + Duration.ofMinutes(indexMinutes).toNanos();
            double pgSeconds = 0;
            double esSeconds = 0;
            long esDocs = 0;
            List<double[]> rounds = new ArrayList<>();
            boolean compared = false;
            // PostgreSQL generates chunk after chunk on its own thread; each chunk is indexed once it is committed
            java.util.concurrent.ExecutorService generator = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.Map<Long, java.util.concurrent.Future<Double>> generated = new java.util.HashMap<>();
            long first = Math.min(present, indexed) / chunk * chunk;
            long last = stopAt < 0 ? events : Math.min(events, Math.max(stopAt, 1000));
            long indexedTo = Math.min(present, indexed);
            for (long from = first; from < last; from += chunk) {
                long start = Math.max(from, present);
                long to = Math.min(last, from + chunk);
                generated.put(from, generator.submit(() -> {
                    if (to <= start) {
                        return 0.0;
                    }
                    long began = System.nanoTime();
                    bench.generate(numbers, users, start, to, events, end, days);
                    synchronized (out) {
                        out.println(String.format(Locale.ROOT, "PostgreSQL: rows %d-%d generated in %.1f s (load %s)",
                                start + 1, to, s(began), SearchBenchmark.loadAverage()));
                        out.flush();
                    }
                    return s(began);
                }));
            }
            generator.shutdown();
            for (long from = first; from < last; from += chunk) {
                long to = Math.min(last, from + chunk);
                pgSeconds += generated.get(from).get();
                if (System.nanoTime() > deadline) {
                    continue;
                }
                List<SearchBenchmark.Row> rows = bench.rows(from, to);
                int offset = 0;
                if (!compared) {
                    // alternately: the projection's path into the audit indices, a raw _bulk of the same documents
                    // into scratch indices of the same template, twice
                    for (int round = 0; round < 2 && offset + compare <= rows.size(); round++) {
                        List<SearchBenchmark.Row> slice = rows.subList(offset, offset + compare);
                        List<byte[]> bodies = bench.ndjson(slice, batch, SearchIndices.AUDIT_PREFIX + "rawbench-");
                        long subject = bench.indexThroughProjection(slice, batch);
                        long raw = bench.indexRaw(bodies);
                        rounds.add(new double[] {compare / (subject / 1e9), compare / (raw / 1e9)});
                        esDocs += compare;
                        esSeconds += subject / 1e9;
                        offset += compare;
                        out.println(String.format(Locale.ROOT, "indexing round %d: projection path %.0f docs/s, raw "
                                + "_bulk %.0f docs/s (%.0f %%), load %s", round + 1, rounds.get(round)[0],
                                rounds.get(round)[1], 100 * rounds.get(round)[0] / rounds.get(round)[1],
                                SearchBenchmark.loadAverage()));
                        out.flush();
                    }
                    bench.deleteIndices(SearchIndices.AUDIT_PREFIX + "rawbench-*");
                    compared = true;
                }
                List<SearchBenchmark.Row> rest = rows.subList(offset, rows.size());
                long took = bench.indexThroughProjection(rest, batch);
                esDocs += rest.size();
                indexedTo = to;
                esSeconds += took / 1e9;
                out.println(String.format(Locale.ROOT, "Elasticsearch: rows %d-%d indexed through the projection path "
                        + "in %.1f s (%.0f docs/s; load %s)", from + 1, to, took / 1e9, rest.size() / (took / 1e9),
                        SearchBenchmark.loadAverage()));
                out.flush();
            }
            indices.refresh();
            long pgRows = bench.rowsPresent();
            long esCount = bench.count(SearchIndices.AUDIT_PREFIX + "*");
            out.println(String.format(Locale.ROOT, "sizes: %d synthetic rows in PostgreSQL (%.0f s generating this run), "
                    + "%d audit documents in Elasticsearch (%d indexed this run in %.0f s)", pgRows, pgSeconds,
                    esCount, esDocs, esSeconds));
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            out.println("PostgreSQL: " + jdbc.queryForObject(
                    "SELECT pg_size_pretty(pg_total_relation_size((schema_name || '.audit_event')::regclass)) FROM audit_generation "
                            + "WHERE state = 'ACTIVE'", String.class) + " audit_event with its indexes");
            out.flush();

            // the queries' months lie where both stores have the rows (the first rows of the period when the run
            // stopped early)
            long covered = Math.min(pgRows, indexedTo);
            Instant coveredTo = covered <= 0 ? end : new JdbcTemplate(dataSource).queryForObject(
                    "SELECT occurred_at FROM audit_event WHERE global_index = ?", java.time.OffsetDateTime.class,
                    SearchBenchmark.INDEX_BASE + covered).toInstant();
            out.println("rows in both stores: 1-" + covered + ", up to " + coveredTo + "; monthly queries pick months "
                    + "from " + end.minus(Duration.ofDays(days)) + " to then");
            queries(ledger, out, numbers, registrations, end, days, coveredTo);
        }
        return CareLedgerCli.OK;
    }

    private void queries(ConfigurableApplicationContext ledger, PrintWriter out, List<NhsNumber> numbers,
                         List<Object[]> registrations, Instant end, int days, Instant coveredTo) {
        AuditTrail trail = ledger.getBean(AuditTrail.class);
        PatientSearch search = ledger.getBean(PatientSearch.class);
        JdbcTemplate jdbc = new JdbcTemplate(ledger.getBean(DataSource.class));
        Actor ig = Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26"));
        Actor gp = Actor.staff(new UserId(UUID.randomUUID()), Role.GP, OdsCode.of("Y9001"));
        AuditPeriod twoYears = new AuditPeriod(end.minus(Duration.ofDays(days)), end);
        ZoneId zone = ZoneId.of("Europe/London");
        SplittableRandom random = new SplittableRandom(42);
        int warmUp = Math.max(5, queries / 10);
        out.println("load average before the queries: " + SearchBenchmark.loadAverage());
        out.println("| query | source | p50 ms | p95 ms | p99 ms | goal p95 | met? |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        AuditSearch.Filter[] last = new AuditSearch.Filter[1];
        row(out, "accesses to patient X in 24 months (first page of 50, audited)", "PostgreSQL", 100,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    NhsNumber patient = numbers.get(random.nextInt(numbers.size()));
                    return () -> trail.accessesToPatient(ig, patient, twoYears, AuditPage.Request.first(50));
                }));
        row(out, "accesses to patient X in 24 months (search, first page of 50, audited)", "Elasticsearch", 300,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    NhsNumber patient = numbers.get(random.nextInt(numbers.size()));
                    last[0] = new AuditSearch.Filter(null, null, null, patient, null, null, null, null, List.of());
                    AuditSearch.Filter filter = last[0];
                    return () -> trail.search(ig, filter, twoYears, AuditPage.Request.first(50));
                }));
        row(out, "accesses to patient X in 24 months (search, first page of 50)", "PostgreSQL", 100,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    NhsNumber patient = numbers.get(random.nextInt(numbers.size()));
                    AuditSearch.Filter filter = new AuditSearch.Filter(null, null, null, patient, null, null, null,
                            null, List.of());
                    return () -> AuditSearch.fromTrail(jdbc, filter, twoYears, AuditPage.Request.first(50));
                }));
        row(out, "per-user daily counts, one organisation, one month (audited)", "Elasticsearch", 300,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    AuditPeriod month = month(end, days, coveredTo, random);
                    OdsCode org = OdsCode.of(SearchBenchmark.organisation(random.nextInt(SearchBenchmark.ORGANISATIONS)));
                    return () -> trail.counts(ig, AuditCounts.By.USER_DAY, org, month);
                }));
        row(out, "per-user daily counts, one organisation, one month", "PostgreSQL", 300,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    AuditPeriod month = month(end, days, coveredTo, random);
                    String org = SearchBenchmark.organisation(random.nextInt(SearchBenchmark.ORGANISATIONS));
                    return () -> AuditCounts.fromTrail(jdbc, AuditCounts.By.USER_DAY, org, month, zone);
                }));
        row(out, "fuzzy patient search (misspelt name + birth year, audited)", "Elasticsearch", 50,
                SearchBenchmark.latencies(warmUp, queries, () -> {
                    PatientRegistered p = (PatientRegistered) registrations.get(random.nextInt(registrations.size()))[1];
                    String query = misspelt(p.demographics(), random);
                    return () -> search.byDemographics(gp, Channel.WEB, query);
                }));
        out.println("load average after the queries: " + SearchBenchmark.loadAverage());
    }

    private static AuditPeriod month(Instant end, int days, Instant coveredTo, SplittableRandom random) {
        Instant first = end.minus(Duration.ofDays(days));
        long span = Math.max(1, Duration.between(first, coveredTo).toHours() - 30 * 24);
        Instant from = first.plus(Duration.ofHours(random.nextLong(span)));
        return new AuditPeriod(from, from.plus(Duration.ofDays(30)));
    }

    /** A clinician's query: given name with a letter dropped or swapped, the family name, the birth year. */
    static String misspelt(Demographics d, SplittableRandom random) {
        String family = d.familyName();
        if (family.length() > 4) {
            int i = 1 + random.nextInt(family.length() - 3);
            family = random.nextBoolean() ? family.substring(0, i) + family.substring(i + 1)
                    : family.substring(0, i) + family.charAt(i + 1) + family.charAt(i) + family.substring(i + 2);
        }
        return d.givenName() + " " + family + " " + d.birthDate().getYear();
    }

    private static void row(PrintWriter out, String query, String source, double goal, double[] ms) {
        double p95 = SearchBenchmark.percentile(ms, 95);
        out.println(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | <= %.0f | %s |", query, source,
                SearchBenchmark.percentile(ms, 50), p95, SearchBenchmark.percentile(ms, 99), goal,
                p95 <= goal ? "yes" : "no"));
        out.flush();
    }

    private static double s(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
