package org.careledger.api;

import org.careledger.ops.CareLedgerCli;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code careledger bench-http} ({@link org.careledger.api.bench.BenchHttpCommand}) for real, small: the whole web application on a new embedded PostgreSQL, curl clients
 * signed in with a development-provider token, and the same operations in process. Its figures are not asserted
 * (speed is measured by the harness, not by tests): what is asserted is that every row is measured on both paths and
 * that the HTTP requests answered as they must (the harness fails on any other status).
 */
class BenchHttpCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<String[]> serverStarts = new ArrayList<>();

    private int run(String... args) {
        return CareLedger.dispatch(args, new PrintWriter(out, true), new PrintWriter(err, true),
                serverStarts::add);
    }

    @Test
    void badInputIsRefusedWithOneLineBeforeAnythingStarts() {
        assertThat(run("bench-http", "--requests", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-http", "--clients", "1,65")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-http", "--no-such-option")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().lines().toList()).hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith("bench-http: "));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void measuresEveryRowOnBothPathsAgainstARealServer() {
        Path data = Path.of("target", "test-pg", "bench-http-" + UUID.randomUUID());
        int code = run("bench-http", "--clients", "1,2", "--requests", "3", "--rounds", "2", "--warmup", "2",
                "--entries", "3", "--careledger.embedded-db.data-dir=" + data);
        assertThat(code).as(err.toString()).isEqualTo(CareLedgerCli.OK);
        List<String> rows = out.toString().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| ---")).toList();
        assertThat(rows).extracting(r -> r.split("\\|")[1].strip() + " x" + r.split("\\|")[2].strip())
                .containsExactly("operation xclients", "record an entry x1", "record an entry x2",
                        "open a record (3 entries) x1", "open a record (3 entries) x2",
                        "FHIR $everything (3 entries) x1", "FHIR $everything (3 entries) x2",
                        "`/api/whoami` (HTTP floor) x1", "`/api/whoami` (HTTP floor) x2");
        for (String row : rows.subList(1, 5)) {
            String[] cells = row.split("\\|");
            assertThat(Double.parseDouble(cells[3].strip())).as("in-process rate of " + row).isPositive();
            assertThat(Double.parseDouble(cells[7].strip())).as("HTTP rate of " + row).isPositive();
            assertThat(Double.parseDouble(cells[12].strip())).as("rate ratio of " + row).isPositive();
        }
        for (String row : rows.subList(5, 9)) {
            assertThat(Double.parseDouble(row.split("\\|")[7].strip())).as("HTTP rate of " + row).isPositive();
        }
        assertThat(rows.get(3).split("\\|")[11].strip()).as("a record's body on the wire")
                .isNotEqualTo("0.0");
        assertThat(out.toString()).contains("JFR profile of one more pass over HTTP (2 clients",
                "heap after full GC");
    }
}
