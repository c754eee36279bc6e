package org.careledger.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ADR 35 with real RS256 tokens and Spring Security's own Nimbus decoder and timestamp validator: a verified token is
 * remembered, but never past its lifetime (checked again on every use, with the configured skew), never longer than
 * {@link VerifiedTokens#AT_MOST} after its verification, and a token that fails verification is never remembered.
 */
class VerifiedTokensTest {

    private static final Duration SKEW = Duration.ofSeconds(5);

    private final KeyPair key = rsa();
    private final KeyPair otherKey = rsa();
    private Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final AtomicInteger verifications = new AtomicInteger();
    private final JwtTimestampValidator lifetime = new JwtTimestampValidator(SKEW);
    private final VerifiedTokens tokens;

    VerifiedTokensTest() {
        lifetime.setClock(clock);
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey((RSAPublicKey) key.getPublic()).build();
        nimbus.setJwtValidator(lifetime);
        JwtDecoder counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
        tokens = new VerifiedTokens(counting, lifetime, clock);
    }

    @Test
    void aVerifiedTokenIsRememberedAndAnsweredWithTheSameClaims() {
        String token = sign(key, now, now.plus(Duration.ofMinutes(30)));
        Jwt first = tokens.decode(token);
        now = now.plusSeconds(60);
        Jwt again = tokens.decode(token);
        assertThat(verifications).hasValue(1);
        assertThat(again.getSubject()).isEqualTo(first.getSubject()).isEqualTo("49c303ee-6153-435a-a996-63055fc78674");
        assertThat(again.getClaimAsString("role")).isEqualTo("GP");
    }

    @Test
    void aRememberedTokenStopsAtItsExpiryWithTheConfiguredSkew() {
        Instant expiry = now.plus(Duration.ofMinutes(2));
        String token = sign(key, now, expiry);
        tokens.decode(token);
        now = expiry.plus(SKEW).minusSeconds(1);
        tokens.decode(token);
        assertThat(verifications).hasValue(1);
        now = expiry.plus(SKEW).plusSeconds(1);
        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtException.class)
                .hasMessageContaining("expired");
        assertThat(verifications).as("verified again, and refused").hasValue(2);
    }

    @Test
    void aVerificationIsTrustedForAtMostFiveMinutes() {
        String token = sign(key, now, now.plus(Duration.ofHours(1)));
        tokens.decode(token);
        now = now.plus(VerifiedTokens.AT_MOST).minusSeconds(1);
        tokens.decode(token);
        assertThat(verifications).hasValue(1);
        now = now.plusSeconds(2);
        tokens.decode(token);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aTokenThatFailsVerificationIsNeverRemembered() {
        String forged = sign(otherKey, now, now.plus(Duration.ofMinutes(30)));
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThat(verifications).as("verified (and refused) each time").hasValue(2);

        String good = sign(key, now, now.plus(Duration.ofMinutes(30)));
        String tampered = good.substring(0, good.lastIndexOf('.') + 1)
                + new StringBuilder(good.substring(good.lastIndexOf('.') + 1)).reverse();
        tokens.decode(good);
        assertThatThrownBy(() -> tokens.decode(tampered)).isInstanceOf(JwtException.class);
    }

    private static String sign(KeyPair key, Instant issued, Instant expires) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .subject("49c303ee-6153-435a-a996-63055fc78674").claim("role", "GP").claim("ods", "Y01913")
                    .issueTime(Date.from(issued)).expirationTime(Date.from(expires)).build());
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
