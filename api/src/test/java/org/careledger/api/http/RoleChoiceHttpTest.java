package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A staff member who holds several roles (issue 12, sign-in): signed in by user id alone they get the role first
 * assigned and a token that says none was chosen ({@code select_role}); {@code /api/whoami/roles} lists every role
 * they hold now with the current one marked; naming a role ({@code <user id>/<role>@<ODS>}) signs them in as that.
 */
class RoleChoiceHttpTest extends ApiTest {

    @Test
    void a_person_with_two_roles_is_told_the_choice_and_signs_in_as_the_one_named() {
        String single = staffWith("Sam Oneplace", "DISTRICT_NURSE", "RCX");
        assertThat(get(single, "/api/whoami/roles").body().size()).isEqualTo(1);
        assertThat(claims(token(single)).has("select_role")).as("one role: nothing to choose").isFalse();

        String user = staffWith("Robin Twoplaces", "DISTRICT_NURSE", "RCX");
        assertThat(post("administrator", "/api/directory/staff/" + user + "/roles",
                Map.of("role", "SOCIAL_WORKER", "organisation", "LA601")).status()).isEqualTo(204);
        String byId = user;
        assertThat(claims(token(byId)).get("select_role").asBoolean()).isTrue();
        Answer me = get(byId, "/api/whoami");
        assertThat(me.body().get("role").asText()).isEqualTo("DISTRICT_NURSE"); // the first assigned
        Answer roles = get(byId, "/api/whoami/roles");
        assertThat(roles.status()).as(roles.raw()).isEqualTo(200);
        assertThat(roles.body().size()).isEqualTo(2);
        assertThat(text(roles.body().get(0))).isEqualTo("DISTRICT_NURSE RCX true");
        assertThat(text(roles.body().get(1))).isEqualTo("SOCIAL_WORKER LA601 false");
        assertThat(roles.body().get(1).get("organisationName").asText()).isNotBlank();

        String chosen = user + "/social-worker@LA601";
        assertThat(claims(token(chosen)).has("select_role")).isFalse();
        assertThat(get(chosen, "/api/whoami").body().get("organisation").asText()).isEqualTo("LA601");
        Answer after = get(chosen, "/api/whoami/roles");
        assertThat(text(after.body().get(0))).isEqualTo("DISTRICT_NURSE RCX false");
        assertThat(text(after.body().get(1))).isEqualTo("SOCIAL_WORKER LA601 true");

        assertThat(get(freshPatientUser(), "/api/whoami/roles")
                .body().size()).as("a patient holds no staff role").isZero();
    }

    private String staffWith(String name, String role, String organisation) {
        Answer created = post("administrator", "/api/directory/staff", Map.of("displayName", name));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String user = created.body().get("id").asText();
        assertThat(post("administrator", "/api/directory/staff/" + user + "/roles",
                Map.of("role", role, "organisation", organisation)).status()).isEqualTo(204);
        return user;
    }

    private String freshPatientUser() {
        return world().patient().value();
    }

    private static String text(JsonNode role) {
        return role.get("role").asText() + " " + role.get("organisation").asText() + " " + role.get("current").asBoolean();
    }

    private static JsonNode claims(String token) {
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
