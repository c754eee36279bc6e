package org.careledger.api.http;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.careledger.registers.SignInDirectory;
import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in is checked against the directory, with real tokens: the development identity provider issues tokens for
 * whoever the registers hold now (staff registered through the administrator API after start-up included), and
 * every request's token counts only while the directory still holds its role at its organisation (or its patient).
 */
class SignInAgainstDirectoryTest extends ApiTest {

    @Autowired
    JWKSource<SecurityContext> signingKey;
    @Autowired
    org.springframework.security.oauth2.jwt.JwtDecoder decoder;

    @Test
    void theApisTokenDecoderRemembersVerifiedTokens() {
        // ADR 35: the decoder the resource server uses is wrapped (VerifiedTokensTest checks what wrapping means)
        assertThat(decoder).isInstanceOf(org.careledger.api.security.VerifiedTokens.class);
        String token = issued("gp");
        assertThat(whoami(token).status()).isEqualTo(200);
        assertThat(decoder.decode(token)).isSameAs(decoder.decode(token));
    }

    /** A token request to the development provider, fresh (never cached), acting as {@code actAs}. */
    Answer issue(String actAs) {
        String basic = Base64.getEncoder().encodeToString("careledger-script:demo-script-secret"
                .getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as="
                        + URLEncoder.encode(actAs, StandardCharsets.UTF_8))));
    }

    String issued(String actAs) {
        Answer answer = issue(actAs);
        assertThat(answer.status()).as("token for " + actAs + ": " + answer.raw()).isEqualTo(200);
        return answer.body().get("access_token").asText();
    }

    Answer whoami(String token) {
        return send(HttpRequest.newBuilder(uri("/api/whoami")).header("Authorization", "Bearer " + token).GET());
    }

    Answer recordWith(String token, NhsNumber patient) {
        return send(HttpRequest.newBuilder(uri("/api/patients/" + patient + "/record?purpose=DIRECT_CARE"))
                .header("Authorization", "Bearer " + token).GET());
    }

    /** A token signed with the development provider's own key, with the claims and expiry given. */
    String signed(Map<String, Object> claims, Instant expiresAt) {
        JwtClaimsSet.Builder set = JwtClaimsSet.builder().issuedAt(expiresAt.minus(Duration.ofMinutes(5)))
                .expiresAt(expiresAt).notBefore(expiresAt.minus(Duration.ofMinutes(5)));
        claims.forEach(set::claim);
        return new NimbusJwtEncoder(signingKey).encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.ES256).build(), set.build())).getTokenValue();
    }

    String admin() {
        return "administrator";
    }

    String registerStaff(String name) {
        Answer created = post(admin(), "/api/directory/staff", Map.of("displayName", name));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    void assign(String user, String role, String organisation) {
        Answer assigned = post(admin(), "/api/directory/staff/" + user + "/roles",
                Map.of("role", role, "organisation", organisation));
        assertThat(assigned.status()).as(assigned.raw()).isEqualTo(204);
    }

    void end(String user, String role, String organisation) {
        Answer ended = post(admin(), "/api/directory/staff/" + user + "/roles/ended",
                Map.of("role", role, "organisation", organisation, "reason", "Left"));
        assertThat(ended.status()).as(ended.raw()).isEqualTo(204);
    }

    @Test
    void staff_registered_through_the_administrator_api_after_start_up_sign_in_and_choose_among_their_roles() {
        String practice = GP.organisation().value();
        String user = registerStaff("Dr New Starter");
        assertThat(issue(user).status()).as("no role yet: nothing to sign in as").isEqualTo(400);

        assign(user, "GP", practice);
        Answer only = whoami(issued(user));
        assertThat(only.status()).as(only.raw()).isEqualTo(200);
        assertThat(only.body().get("user").asText()).isEqualTo(user);
        assertThat(only.body().get("name").asText()).isEqualTo("Dr New Starter");
        assertThat(only.body().get("role").asText()).isEqualTo("GP");
        assertThat(only.body().get("organisation").asText()).isEqualTo(practice);

        assign(user, "OOH_CLINICIAN", "RCX");
        // holding several roles, the user id alone signs in as the role first assigned, and the token says no role
        // was chosen (select_role: the web application then offers the choice; RoleChoiceHttpTest)
        Answer first = whoami(issued(user));
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(first.body().get("role").asText()).isEqualTo("GP");
        assertThat(first.body().get("organisation").asText()).isEqualTo(practice);

        Answer chosen = whoami(issued(user + "/ooh-clinician@RCX"));
        assertThat(chosen.status()).as(chosen.raw()).isEqualTo(200);
        assertThat(chosen.body().get("role").asText()).isEqualTo("OOH_CLINICIAN");
        assertThat(chosen.body().get("organisation").asText()).isEqualTo("RCX");
        assertThat(issue(user + "/pharmacist@RCX").status()).as("a role they do not hold").isEqualTo(400);
    }

    @Test
    void ending_a_role_refuses_the_next_request_with_an_older_token_and_the_provider_stops_issuing_it() {
        NhsNumber patient = world().patient();
        String practice = GP.organisation().value();
        String user = registerStaff("Dr Leaving Soon");
        assign(user, "GP", practice);
        assign(user, "SPECIALIST", "RCX");
        String asGp = issued(user + "/gp@" + practice);
        String asSpecialist = issued(user + "/specialist@RCX");
        assertThat(recordWith(asGp, patient).status()).isEqualTo(200);

        end(user, "GP", practice);
        assertProblem(recordWith(asGp, patient), 401, "sign-in-ended");
        assertProblem(whoami(asGp), 401, "sign-in-ended");
        assertThat(recordWith(asGp, patient).header("WWW-Authenticate")).contains("invalid_token");
        Answer reissue = issue(user + "/gp@" + practice);
        assertThat(reissue.status()).as(reissue.raw()).isEqualTo(400);
        assertThat(reissue.body().get("error").asText()).isEqualTo("invalid_request");
        assertThat(whoami(asSpecialist).status()).as("the role still held still signs in").isEqualTo(200);
        Answer now = whoami(issued(user));
        assertThat(now.body().get("role").asText()).as("one role left: no choice needed").isEqualTo("SPECIALIST");

        // the organisation left: the last role there ended
        end(user, "SPECIALIST", "RCX");
        assertProblem(whoami(asSpecialist), 401, "sign-in-ended");
        assertThat(issue(user).status()).isEqualTo(400);

        // assigned again: a new sign-in works (the old token was for the same role and counts again: it names no
        // assignment instance, only user, role and organisation)
        assign(user, "GP", practice);
        assertThat(whoami(issued(user)).status()).isEqualTo(200);
    }

    @Test
    void role_at_organisation_usernames_count_the_current_holders_in_the_order_the_roles_were_assigned() {
        String pharmacy = "F" + String.format("%04d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000));
        Answer registered = post(admin(), "/api/directory/organisations",
                Map.of("ods", pharmacy, "name", "New Pharmacy", "type", "PHARMACY"));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        String first = registerStaff("Pharmacist One");
        String second = registerStaff("Pharmacist Two");
        assign(first, "PHARMACIST", pharmacy);
        assign(second, "PHARMACIST", pharmacy);
        String username = "pharmacist@" + pharmacy.toLowerCase(java.util.Locale.ROOT); // any case
        assertThat(whoami(issued(username)).body().get("user").asText()).isEqualTo(first);
        assertThat(whoami(issued(username + ".2")).body().get("user").asText()).isEqualTo(second);
        assertThat(issue(username + ".3").status()).isEqualTo(400);

        end(first, "PHARMACIST", pharmacy);
        assertThat(whoami(issued(username)).body().get("user").asText())
                .as("the ended holder is no longer issued: the next one is first").isEqualTo(second);
        assertThat(issue(username + ".2").status()).isEqualTo(400);
    }

    @Test
    void patients_sign_in_only_while_registered() {
        NhsNumber patient = world().patient();
        Answer me = whoami(issued(patient.value()));
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.body().get("nhsNumber").asText()).isEqualTo(patient.value());

        NhsNumber nobody = freshNhsNumber();
        assertThat(issue(nobody.value()).status()).as("the provider issues no token for an unregistered patient")
                .isEqualTo(400);
        String forged = signed(Map.of("sub", UUID.randomUUID().toString(), "nhs_number", nobody.value()),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertProblem(whoami(forged), 401, "sign-in-ended");
        assertProblem(get(null, "/api/whoami"), 401, "unauthenticated");
    }

    @Test
    void a_token_expired_just_beyond_the_configured_five_second_clock_skew_is_refused() {
        DemoPeople.Staff gp = GP;
        Map<String, Object> claims = Map.of("sub", gp.user().toString(), "role", "GP",
                "ods", gp.organisation().value(), "name", gp.name());
        assertThat(whoami(signed(claims, Instant.now().plus(Duration.ofMinutes(1)))).status())
                .as("the same claims, not expired").isEqualTo(200);
        Answer expired = whoami(signed(claims, Instant.now().minus(Duration.ofSeconds(6))));
        assertProblem(expired, 401, "invalid-token");
        Answer longExpired = whoami(signed(claims, Instant.now().minus(Duration.ofSeconds(30))));
        assertProblem(longExpired, 401, "invalid-token");
    }

    @Autowired
    SignInDirectory directory;

    @Test
    void every_demo_person_the_generator_made_is_held_by_the_directory_and_signs_in_as_the_registers_hold_them() {
        List<DemoPeople.Staff> people = ACCOUNTS.allStaff();
        Set<String> users = new HashSet<>();
        for (DemoPeople.Staff person : people) { // all 600, as the provider resolves role@ODS.n (no HTTP: fast)
            String[] at = person.username().split("@");
            String[] ods = at.length > 1 ? at[1].split("\\.") : new String[0];
            var held = at.length == 1 ? directory.first(person.role())
                    : directory.nth(person.role(), person.organisation(), ods.length == 1 ? 1 : Integer.parseInt(ods[1]));
            assertThat(held.map(SignInDirectory.StaffSession::user)).as(person.username()).contains(person.user());
            users.add(person.user().toString());
        }
        assertThat(users).as("the demo's 600 staff").hasSize(600);
        for (int i = 0; i < people.size(); i += 37) { // and a spread of them through the provider, over HTTP
            DemoPeople.Staff person = people.get(i);
            Answer who = whoami(issued(person.username()));
            assertThat(who.status()).as(person.username() + ": " + who.raw()).isEqualTo(200);
            assertThat(who.body().get("user").asText()).as(person.username()).isEqualTo(person.user().toString());
            assertThat(who.body().get("role").asText()).isEqualTo(person.role().name());
            assertThat(who.body().get("organisation").asText()).isEqualTo(person.organisation().value());
        }
    }
}
