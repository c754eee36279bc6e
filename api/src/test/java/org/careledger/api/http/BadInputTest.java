package org.careledger.api.http;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input of every kind answers the right problem+json, says nothing of the request's text or the server's
 * insides, and writes nothing.
 */
class BadInputTest extends ApiTest {

    /** The development identity provider's algorithm (ADR 37). */
    private static final JwsHeader ES256 = JwsHeader.with(SignatureAlgorithm.ES256).build();

    @Autowired
    JWKSource<SecurityContext> signingKey;

    @Test
    void bad_bodies_parameters_and_ids_are_refused_with_their_problem_and_nothing_is_written() {
        World w = world();
        String entries = "/api/patients/" + w.patient() + "/entries";
        long before = writes();

        assertProblem(post(GP_USER, entries, "{\"section\": \"PROBLEMS\", "), 400, "malformed-request");
        assertProblem(post(GP_USER, entries, "{\"section\": \"PROBLEMS\", \"section\": [], \"content\": {}}"), 400,
                "malformed-request");
        Answer wrongType = post(GP_USER, entries, "{\"section\": 42, \"content\": {\"text\": \"x\", \"effectiveDate\": \"not a date\"}}");
        assertProblem(wrongType, 400, "wrong-type");
        assertThat(wrongType.raw()).doesNotContain("not a date");
        assertProblem(post(GP_USER, entries, "{\"section\": \"NOT_A_SECTION\", \"content\": {}}"), 400, "wrong-type");
        Answer missing = post(GP_USER, entries, Map.of("content", Map.of("text", "x", "effectiveDate", "2024-01-01")));
        assertProblem(missing, 400, "missing-field");
        assertThat(missing.body().get("errors").toString()).contains("section");
        assertProblem(post(GP_USER, entries, Map.of("section", "PROBLEMS", "content", Map.of(
                "code", Map.of("system", "SNOMED_CT", "code", "195967002"), "displayTerm", "Asthma",
                "effectiveDate", "2024-01-01"))), 400, "invalid-clinical-code");
        assertProblem(post(GP_USER, entries, Map.of("section", "PROBLEMS", "content", Map.of(
                "text", "no code", "effectiveDate", "2024-01-01"))), 400, "invalid-clinical-code");
        assertProblem(post(GP_USER, "/api/patients/9990000019/entries", Map.of("section", "CONSULTATIONS",
                "content", Map.of("text", "x", "effectiveDate", "2024-01-01"))), 400, "invalid-nhs-number");
        assertProblem(get(GP_USER, "/api/patients/12345/record?purpose=DIRECT_CARE"), 400, "invalid-nhs-number");
        assertProblem(get(GP_USER, "/api/patients/" + w.patient() + "/record"), 400, "missing-parameter");
        assertProblem(get(GP_USER, "/api/patients/" + w.patient() + "/record?purpose=CURIOSITY"), 400, "wrong-type");
        assertProblem(get(GP_USER, "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE&%00=1"), 400,
                "malformed-request");
        assertProblem(post(GP_USER, "/api/patients/" + w.patient() + "/consent/decisions", Map.of("organisation", "not an ods",
                "direction", "SHARE_IN", "decision", "GRANTED", "method", "VERBAL")), 400, "invalid-ods-code");
        assertProblem(post(GP_USER, "/api/patients/" + w.patient() + "/consent/decisions", Map.of("organisation", "ZZZ99",
                "direction", "SHARE_IN", "decision", "GRANTED", "method", "VERBAL")), 422, "unknown-organisation");
        assertProblem(post(GP_USER, "/api/patients/" + w.patient() + "/grants", Map.of(
                "grantee", Map.of("kind", "ORGANISATION", "id", "RCX"), "reason", "REFERRAL",
                "sections", java.util.List.of("PROBLEMS"), "validUntil", "2001-01-01T00:00:00Z")), 422,
                "invalid-validity-window");

        // unknown ids
        String unknownEntry = "/api/patients/" + w.patient() + "/entries/00000000-0000-4000-8000-000000000001";
        assertProblem(postIfMatch(GP_USER, unknownEntry + "/amendments", Map.of("content", Map.of("text", "x",
                "effectiveDate", "2024-01-01"), "reason", "r"), "\"1\""), 404, "unknown-entry");
        assertProblem(get(GP_USER, unknownEntry + "/history?purpose=DIRECT_CARE"), 404, "unknown-entry");
        assertProblem(post(GP_USER, "/api/patients/" + w.patient() + "/grants/00000000-0000-4000-8000-000000000001/revocation",
                Map.of("reason", "r")), 404, "unknown-grant");
        assertProblem(post(GP_USER, "/api/patients/" + freshNhsNumber() + "/entries", Map.of("section", "CONSULTATIONS",
                "content", Map.of("text", "x", "effectiveDate", "2024-01-01"))), 404, "record-not-available");
        assertProblem(get(GP_USER, "/api/patients/" + w.patient() + "/entries/not-a-uuid/history?purpose=DIRECT_CARE"),
                400, "invalid-input");

        // method, media type, size
        assertProblem(send(request(GP_USER, entries).DELETE()), 405, "method-not-allowed");
        assertProblem(send(request(GP_USER, entries).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))), 415, "unsupported-media-type");
        String huge = "{\"section\": \"CONSULTATIONS\", \"content\": {\"text\": \"" + "x".repeat(300_000)
                + "\", \"effectiveDate\": \"2024-01-01\"}}";
        assertProblem(post(GP_USER, entries, huge), 413, "payload-too-large");
        assertProblem(get(GP_USER, "/api/no-such-thing"), 403, "forbidden");

        assertThat(writes()).isEqualTo(before);
    }

    @Test
    void absent_forged_expired_and_unusable_tokens_get_401_and_nothing_is_written() throws Exception {
        World w = world();
        String path = "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE";
        long refusals = refusalsOf(w.patient());
        long before = writes();

        Answer absent = send(request(null, path).GET());
        assertProblem(absent, 401, "unauthenticated");
        assertThat(absent.header("WWW-Authenticate")).startsWith("Bearer");

        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
        assertProblem(withToken(path, sign(stranger, GP.user().toString(), Instant.now().plusSeconds(600), Map.of(
                "role", "GP", "ods", GP.organisation().value()))), 401, "invalid-token");
        RSAKey rsaStranger = new RSAKeyGenerator(2048).keyID("rsa-stranger").generate();
        JWSSigner rsa = new RSASSASigner(rsaStranger);
        assertProblem(withToken(path, sign(rsa, JWSAlgorithm.RS256, "rsa-stranger", GP.user().toString(),
                Instant.now().plusSeconds(600), Map.of("role", "GP", "ods", GP.organisation().value()))),
                401, "invalid-token");

        JwtClaimsSet expired = JwtClaimsSet.builder().subject(GP.user().toString()).claim("role", "GP")
                .claim("ods", GP.organisation().value()).issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).build();
        String expiredToken = new NimbusJwtEncoder(signingKey).encode(JwtEncoderParameters.from(ES256, expired)).getTokenValue();
        assertProblem(withToken(path, expiredToken), 401, "invalid-token");

        JwtClaimsSet noRole = JwtClaimsSet.builder().subject(GP.user().toString()).claim("ods", GP.organisation().value())
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600)).build();
        String noRoleToken = new NimbusJwtEncoder(signingKey).encode(JwtEncoderParameters.from(ES256, noRole)).getTokenValue();
        assertProblem(withToken(path, noRoleToken), 401, "invalid-token");

        JwtClaimsSet valid = JwtClaimsSet.builder().subject(GP.user().toString()).claim("role", "GP")
                .claim("ods", GP.organisation().value()).issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(600)).build();
        String validToken = new NimbusJwtEncoder(signingKey).encode(JwtEncoderParameters.from(ES256, valid)).getTokenValue();
        assertThat(SignedJWT.parse(token(GP_USER)).getHeader().getAlgorithm())
                .as("the provider signs its own tokens ES256 (ADR 37)").isEqualTo(JWSAlgorithm.ES256);
        assertThat(withToken(path, validToken).status()).as("a well-formed token signed by the provider's key").isEqualTo(200);
        assertProblem(withToken(path, validToken.substring(0, validToken.length() - 4) + "AAAA"), 401, "invalid-token");

        assertThat(writes()).isEqualTo(before);
        assertThat(refusalsOf(w.patient())).as("unauthenticated requests never reach the record").isEqualTo(refusals);
    }

    @Test
    void the_development_provider_issues_tokens_only_for_its_script_secret() {
        for (String secret : new String[]{"demo-script-secreT", "demo-script-secre"}) {
            Answer refused = tokenRequest("careledger-script:" + secret);
            assertThat(refused.status()).as("a wrong secret: " + refused.raw()).isEqualTo(401);
            assertThat(refused.body().get("error").asText()).isEqualTo("invalid_client");
            assertThat(refused.raw()).doesNotContain("access_token");
        }
        Answer empty = tokenRequest("careledger-script:");
        assertThat(empty.status()).as("no secret: " + empty.raw()).isEqualTo(400);
        assertThat(empty.raw()).doesNotContain("access_token");
        Answer issued = tokenRequest("careledger-script:demo-script-secret");
        assertThat(issued.status()).as(issued.raw()).isEqualTo(200);
        assertThat(issued.body().get("access_token").asText()).isNotBlank();
    }

    private Answer tokenRequest(String credentials) {
        String basic = java.util.Base64.getEncoder().encodeToString(
                credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as=" + GP_USER)));
    }

    Answer withToken(String path, String token) {
        return send(java.net.http.HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET());
    }

    static String sign(ECKey key, String subject, Instant expires, Map<String, Object> claims) throws Exception {
        return sign(new ECDSASigner(key), JWSAlgorithm.ES256, key.getKeyID(), subject, expires, claims);
    }

    static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, String subject, Instant expires,
                       Map<String, Object> claims) throws Exception {
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().subject(subject).issueTime(new Date())
                .expirationTime(Date.from(expires));
        claims.forEach(set::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), set.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

}
