package org.careledger.api.security;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token decoder that remembers the tokens it has verified (ADR 35): the same compact token string, signature
 * included, is not parsed and its signature not checked again on every request of a session. A remembered token is
 * used only while
 * <ul>
 *     <li>its lifetime still holds: the timestamp validator (expiry and not-before, with the configured clock skew)
 *     runs again on every use; and</li>
 *     <li>it was verified less than {@link #AT_MOST} ago, the time a JWK set is kept by the decoders of a real
 *     provider: a key the provider withdraws stops working here no later than the decoder itself would stop
 *     trusting it.</li>
 * </ul>
 * Anything else goes to the wrapped decoder, which verifies it (and throws, for a bad token: a bad token is never
 * remembered). The sign-in itself is still checked against the directory on every request (ADRs 11 and 34).
 */
public final class VerifiedTokens implements JwtDecoder {

    /** How long a verification is trusted: the default JWK set cache of Spring Security's Nimbus decoder. */
    static final Duration AT_MOST = Duration.ofMinutes(5);

    /** More remembered tokens than this and they are all forgotten (a region has ~600 staff signed in at once). */
    static final int MOST_REMEMBERED = 20_000;

    private record Verified(Jwt jwt, Instant at) {
    }

    private final JwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> lifetime;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /**
     * @param decoder  the decoder that verifies (signature, issuer, lifetime)
     * @param lifetime the validator of the token's timestamps that {@code decoder} applies, run again on every use
     */
    public VerifiedTokens(JwtDecoder decoder, OAuth2TokenValidator<Jwt> lifetime, Clock clock) {
        this.decoder = decoder;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Verified known = verified.get(token);
        if (known != null) {
            if (known.at().plus(AT_MOST).isAfter(clock.instant()) && !lifetime.validate(known.jwt()).hasErrors()) {
                return known.jwt();
            }
            verified.remove(token, known);
        }
        Jwt jwt = decoder.decode(token);
        if (verified.size() >= MOST_REMEMBERED) {
            verified.clear();
        }
        verified.put(token, new Verified(jwt, clock.instant()));
        return jwt;
    }
}
