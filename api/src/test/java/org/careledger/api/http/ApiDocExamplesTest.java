package org.careledger.api.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example in docs/api.md works as written on the demo region: the test takes the doc's {@code ```bash} blocks
 * (all but the one marked {@code by-hand}, which needs a browser), runs them in order with bash against this
 * application (the demo region with seed 42: its first patients are those of the README's 2,000, as a smaller region
 * is a prefix of a larger one), and checks that
 * <ul>
 *     <li>the script ends without error ({@code set -e}: an answer without the fields an example reads fails
 *     it);</li>
 *     <li>no request answered 5xx, and the only non-2xx answers are the ones the doc says are refused (the
 *     pharmacist's, the IG officer's and, after a transfer, the old practice's 404 {@code record-not-available});</li>
 *     <li>every output the doc shows on a {@code # → } line appears, as a line, in what the script printed.</li>
 * </ul>
 * Every curl call is wrapped to report its status on stderr; nothing else about the examples is changed.
 */
class ApiDocExamplesTest extends ApiTest {

    static final Path DOC = Path.of("..", "docs", "api.md");
    static final Pattern BLOCK = Pattern.compile("^```bash\\n(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
    static final Pattern STATUS = Pattern.compile("^HTTP (\\d{3}) (\\S+) (\\S+)$", Pattern.MULTILINE);
    static final String EXPECTED = "# → ";

    static List<String> examples(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void every_example_in_the_api_doc_works_as_written_on_the_demo_region() throws Exception {
        String doc = Files.readString(DOC);
        List<String> blocks = examples(doc);
        assertThat(blocks).as("the doc's runnable examples").hasSizeGreaterThanOrEqualTo(6);
        assertThat(doc).contains("```bash by-hand"); // the one left out, and why, is in the doc

        String script = "set -e\n"
                + "curl() { command curl -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n"
                + String.join("\n", blocks);
        Path dir = Files.createDirectories(DATA_DIR.resolveSibling(DATA_DIR.getFileName() + "-doc"));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        bash.environment().put("B", "http://127.0.0.1:" + port);
        Process process = bash.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the examples finish").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        String statuses = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit of the examples\n--- stdout\n" + printed + "\n--- stderr\n" + statuses)
                .isZero();

        List<String> refused = new ArrayList<>();
        int requests = 0;
        Matcher m = STATUS.matcher(statuses);
        while (m.find()) {
            requests++;
            int status = Integer.parseInt(m.group(1));
            assertThat(status).as(m.group()).isLessThan(500);
            if (status >= 300) {
                refused.add(status + " " + m.group(2) + " " + m.group(3).replaceAll("/api/patients/\\d+/", "/api/patients/{nhs}/"));
            }
        }
        assertThat(requests).as("requests the examples made").isGreaterThan(30);
        assertThat(refused).as("the only refusals are the documented ones (pharmacist, IG officer, the old practice "
                + "after a transfer)").containsExactly(
                "404 GET http://127.0.0.1:" + port + "/api/patients/{nhs}/record?purpose=DIRECT_CARE",
                "404 GET http://127.0.0.1:" + port + "/api/patients/{nhs}/record?purpose=DIRECT_CARE",
                "404 GET http://127.0.0.1:" + port + "/api/patients/{nhs}/record?purpose=DIRECT_CARE");

        List<String> lines = printed.lines().map(String::strip).toList();
        List<String> shown = doc.lines().filter(l -> l.startsWith(EXPECTED)).map(l -> l.substring(EXPECTED.length()).strip())
                .toList();
        assertThat(shown).as("outputs the doc shows").hasSizeGreaterThanOrEqualTo(6);
        assertThat(lines).as("what the examples printed").containsAll(shown);
    }

}
