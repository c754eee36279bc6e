package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI's typed API client is generated (openapi-typescript) from {@code web/openapi.json}, a copy of this
 * application's OpenAPI document. The copy must still describe the API as it is: everything in it must be in the
 * live {@code /v3/api-docs} unchanged (the live document may have more: new endpoints do not break the UI).
 * After a change to an endpoint the UI uses, refresh the copy from the document this test saves:
 * {@code cp api/target/openapi.json web/openapi.json} (then rebuild: the client and the UI's type check follow).
 */
class OpenApiDocumentTest extends ApiTest {

    @Test
    void theUisCopyOfTheOpenApiDocumentIsPartOfTheLiveOne() throws IOException {
        Answer live = get(null, "/v3/api-docs");
        assertThat(live.status()).isEqualTo(200);
        Files.writeString(Path.of("target", "openapi.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(live.body()));
        JsonNode copy = JSON.readTree(Path.of("..", "web", "openapi.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("servers"); // this run's address
        List<String> differences = new ArrayList<>();
        compare("", copy, live.body(), differences);
        assertThat(differences).as("web/openapi.json differs from the live /v3/api-docs; refresh it: cp api/target/openapi.json web/openapi.json")
                .isEmpty();
    }

    @Test
    void aChangedFieldInTheCopyIsFound() throws IOException {
        JsonNode live = JSON.readTree("{\"a\":{\"b\":[1,2],\"c\":\"x\"},\"d\":1}");
        List<String> differences = new ArrayList<>();
        compare("", JSON.readTree("{\"a\":{\"b\":[1,2],\"c\":\"y\"}}"), live, differences);
        compare("", JSON.readTree("{\"a\":{\"e\":1}}"), live, differences);
        compare("", JSON.readTree("{\"a\":{\"b\":[1]}}"), live, differences);
        assertThat(differences).containsExactly("/a/c", "/a/e", "/a/b");
    }

    /** Every field of {@code copy} must be in {@code live} with the same value; arrays must be equal. */
    static void compare(String path, JsonNode copy, JsonNode live, List<String> differences) {
        if (copy.isObject() && live != null && live.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                compare(path + "/" + field.getKey(), field.getValue(), live.get(field.getKey()), differences);
            }
        } else if (!copy.equals(live)) {
            differences.add(path);
        }
    }
}
