package org.careledger.ops;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input is refused before the ledger boots: one line on stderr, exit code 2. */
class CareLedgerCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CareLedgerCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "260001", "many", "99999999999"})
    void patientsOutOfRangeOrNotANumberIsOneLineErrorAndExitTwo(String patients) {
        int code = run("demo", "--patients", patients);
        assertThat(code).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("demo: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badSeedThreadsOrUnknownOptionsAreRefused() {
        assertThat(run("demo", "--seed", "x")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("demo", "--threads", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("demo", "--patinets", "5")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("nonsense")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(4);
    }

    @Test
    void replayAndBenchRefuseBadInputBeforeBooting() {
        assertThat(run("replay", "--everything")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("replay", "not-a-property")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("replay", "--target", "elasticsearch")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("replay", "--target", "solr")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-commands", "--threads", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-commands", "--measure", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(6)
                .allSatisfy(line -> assertThat(line).matches("(replay|bench-commands): .*"));
        assertThat(CareLedgerCli.handles("replay")).isTrue();
        assertThat(CareLedgerCli.handles("bench-commands")).isTrue();
    }

    @Test
    void auditCheckIsACommandAndRefusesBadInputBeforeBooting() {
        assertThat(run("audit-check", "--everything")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("audit-check", "not-a-property")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("audit-check: "));
        assertThat(CareLedgerCli.handles("audit-check")).isTrue();
    }

    @Test
    void benchReadsRefusesBadInputBeforeBooting() {
        assertThat(run("bench-reads", "--readers", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--readers", "1,16,201")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--readers", "x")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--patients", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--entries", "5001")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--writers", "9")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--write-rate", "-1")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--write-rate", "NaN")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--setup-threads", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--measure", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "not-a-property")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--await-processors", "-1")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--mode", "sideways")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--rates", "20,10")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--rates", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--max-in-flight", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-reads", "--small-patients", "-1")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(17)
                .allSatisfy(line -> assertThat(line).startsWith("bench-reads: "));
        assertThat(out.toString()).isEmpty();
        assertThat(CareLedgerCli.handles("bench-reads")).isTrue();
    }

    @Test
    void benchRebuildRefusesBadInputBeforeBooting() {
        assertThat(run("bench-rebuild", "--patients", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-rebuild", "--patients", "260001")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-rebuild", "--load-threads", "17")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-rebuild", "--rounds", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-rebuild", "--seed", "x")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-rebuild", "--everything")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(6)
                .allSatisfy(line -> assertThat(line).startsWith("bench-rebuild: "));
        assertThat(out.toString()).isEmpty();
        assertThat(CareLedgerCli.handles("bench-rebuild")).isTrue();
    }

    @Test
    void benchLoadRunsTheSameRowsBaselineOnlyWhenItsRowsFitInHalfTheHeap() {
        long mb = 1024 * 1024;
        // 3 bytes in memory per byte on disk, against half of the heap
        assertThat(BenchLoadCommand.sameRowsFit(300 * mb, 2048 * mb)).isTrue();
        assertThat(BenchLoadCommand.sameRowsFit(341 * mb, 2048 * mb)).isTrue();
        assertThat(BenchLoadCommand.sameRowsFit(342 * mb, 2048 * mb)).isFalse();
        assertThat(BenchLoadCommand.sameRowsFit(1500 * mb, 2048 * mb)).isFalse();
        assertThat(BenchLoadCommand.sameRowsFit(0, 2048 * mb)).isTrue();
    }

    @Test
    void benchLoadRefusesBadInputBeforeBooting() {
        assertThat(run("bench-load", "--patients", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-load", "--threads", "17")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-load", "--baseline-rounds", "0")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-load", "--warmup-patients", "-1")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("bench-load", "--patients", "2000", "--warmup-patients", "258001"))
                .isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(5)
                .allSatisfy(line -> assertThat(line).startsWith("bench-load: "));
        assertThat(out.toString()).isEmpty();
        assertThat(CareLedgerCli.handles("bench-load")).isTrue();
    }

    @Test
    void helpIsShownAndKnowsTheDemoCommand() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("--patients", "--seed");
        assertThat(CareLedgerCli.handles("demo")).isTrue();
        assertThat(CareLedgerCli.handles("--server.port=8080")).isFalse();
    }

    @Test
    void importRefusesBadInputBeforeBooting() {
        assertThat(run("import")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("import", "no-such-dir-" + System.nanoTime())).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("import", "--practice", "not an ods code", ".")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("import", "--source", "not a uri", ".")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("import", "--batch", "0", ".")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("import: "));
        assertThat(out.toString()).isEmpty();
        assertThat(CareLedgerCli.handles("import")).isTrue();
    }
}
