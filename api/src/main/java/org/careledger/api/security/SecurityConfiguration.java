package org.careledger.api.security;

import org.careledger.api.problem.DatabaseUnavailable;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemResponses;
import org.careledger.registers.SignInDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.time.Clock;
import java.time.Duration;

import static org.careledger.shared.Role.ADMINISTRATOR;
import static org.careledger.shared.Role.DISTRICT_NURSE;
import static org.careledger.shared.Role.GP;
import static org.careledger.shared.Role.IG_OFFICER;
import static org.careledger.shared.Role.MENTAL_HEALTH_PRACTITIONER;
import static org.careledger.shared.Role.OOH_CLINICIAN;
import static org.careledger.shared.Role.PATIENT;
import static org.careledger.shared.Role.PHARMACIST;
import static org.careledger.shared.Role.PRACTICE_ADMIN;
import static org.careledger.shared.Role.PRACTICE_NURSE;
import static org.careledger.shared.Role.SOCIAL_WORKER;
import static org.careledger.shared.Role.SPECIALIST;

/**
 * The API is an OAuth2 resource server: every {@code /api/**} and {@code /fhir/**} request carries a signed JWT (Bearer), verified
 * against the development identity provider's key ({@link DevIdentityProvider}) or, in production, the keys of the
 * provider named by {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}. {@link SignedInUser#from} maps the
 * claims. Stateless: no session, no cookies, so no CSRF.
 * <p>
 * Every request's sign-in is checked against the directory ({@link SignInDirectory}, one primary-key lookup): a
 * staff token counts only while the registers still hold its role at its organisation for its user, a patient token
 * only while its NHS number is a registered patient. Otherwise the request is answered 401 {@code sign-in-ended}
 * (sign in again): the token is no longer a valid sign-in, like an expired one, and nothing behind the API is reached.
 * Token expiry is checked with the small clock skew {@code careledger.security.clock-skew} (default 5 s), not the
 * library's 60 s.
 * <p>
 * Which role reaches which endpoint is decided HERE, coarsely, by path; the ledger then decides finely (the access
 * policy for reads in {@code RecordReads}, the role policy and aggregates for writes). Record reads are open to
 * every signed-in role on purpose: {@code RecordReads} refuses IG officers, administrators and other patients itself,
 * and audits the refusal.
 */
@Configuration
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The longest clock skew the configuration accepts. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    /** The token's sign-in (role at organisation, or patient) is no longer held in the directory. */
    static final class SignInEnded extends InvalidBearerTokenException {
        SignInEnded(String description) {
            super(description);
        }
    }

    /**
     * The directory could not be asked because the database cannot be reached: the request answers 503
     * {@code service-unavailable} like any other request during an outage, not 500 (the check runs in the security
     * filter chain, before {@code DatabaseUnavailable} could see the failure).
     */
    static final class DirectoryUnavailable extends AuthenticationException {
        DirectoryUnavailable(Throwable cause) {
            super("the directory cannot be reached", cause);
        }
    }

    static final String[] STAFF_WHO_CARE = roles(GP, PRACTICE_NURSE, PRACTICE_ADMIN, DISTRICT_NURSE,
            MENTAL_HEALTH_PRACTITIONER, SOCIAL_WORKER, PHARMACIST, OOH_CLINICIAN, SPECIALIST);

    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http, ProblemResponses problems, SignInDirectory directory) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            boolean tokenSent = request.getHeader("Authorization") != null;
            response.setHeader("WWW-Authenticate", tokenSent
                    ? "Bearer error=\"invalid_token\"" : "Bearer");
            if (e instanceof DirectoryUnavailable) {
                response.setHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER_SECONDS);
                problems.write(request, response, Problem.SERVICE_UNAVAILABLE,
                        "The record store cannot be reached just now; nothing was written. Try again shortly.");
                return;
            }
            if (e instanceof SignInEnded) {
                problems.write(request, response, Problem.SIGN_IN_ENDED,
                        "The directory no longer holds the role, organisation or registration this token was issued for: sign in again.");
                return;
            }
            problems.write(request, response, tokenSent ? Problem.INVALID_TOKEN : Problem.UNAUTHENTICATED,
                    tokenSent ? "The token is not valid: expired, not signed by a trusted provider, or its claims are unusable."
                            : "Sign in and send the access token as 'Authorization: Bearer <token>'.");
        };
        AccessDeniedHandler denied = (request, response, e) ->
                problems.write(request, response, Problem.FORBIDDEN, "Your role may not do this.");
        http.securityMatcher("/api/**", "/fhir/**")
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(token -> {
                            SignedInUser user;
                            try {
                                user = SignedInUser.from(token);
                            } catch (RuntimeException e) {
                                throw new InvalidBearerTokenException(e.getMessage());
                            }
                            try {
                                requireHeld(user, directory);
                            } catch (RuntimeException e) {
                                if (DatabaseUnavailable.isCause(e)) {
                                    throw new DirectoryUnavailable(e);
                                }
                                throw e;
                            }
                            return new SignedInAuthentication(user, token);
                        }))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(denied))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .authorizeHttpRequests(a -> a
                        // a patient: their own record, access history and consent, nothing else
                        .requestMatchers("/api/me/**").hasRole(PATIENT.name())
                        // reads go to RecordReads whoever asks: it refuses and audits
                        .requestMatchers(HttpMethod.GET, "/api/patients/*/record",
                                "/api/patients/*/entries/*/history").authenticated()
                        // "view as": RecordPreviews refuses (audited) everyone but a GP or an IG officer (ADR 24)
                        .requestMatchers(HttpMethod.GET, "/api/patients/*/record/preview").authenticated()
                        .requestMatchers("/api/patients/**").hasAnyRole(STAFF_WHO_CARE)
                        .requestMatchers("/api/audit/**").hasRole(IG_OFFICER.name())
                        .requestMatchers("/api/policy/**").hasAnyRole(ADMINISTRATOR.name(), IG_OFFICER.name())
                        // the organisations a preview can be for (names and ODS codes, nothing about a patient)
                        .requestMatchers(HttpMethod.GET, "/api/directory/organisations")
                        .hasAnyRole(ADMINISTRATOR.name(), GP.name(), IG_OFFICER.name())
                        .requestMatchers("/api/directory/**").hasRole(ADMINISTRATOR.name())
                        .requestMatchers("/api/admin/**").hasRole(ADMINISTRATOR.name())
                        .requestMatchers("/api/whoami", "/api/whoami/roles").authenticated()
                        // FHIR: the same rules as the REST equivalents
                        .requestMatchers(HttpMethod.GET, "/fhir/me/**").hasRole(PATIENT.name())
                        .requestMatchers(HttpMethod.GET, "/fhir/Patient/*/$everything").authenticated()
                        .requestMatchers(HttpMethod.GET, "/fhir/AuditEvent").hasRole(IG_OFFICER.name())
                        .requestMatchers(HttpMethod.GET, "/fhir/Patient/*/$who-could-see").hasRole(IG_OFFICER.name())
                        .anyRequest().denyAll());
        return http.build();
    }

    /**
     * The sign-in a token carries must still be held in the directory, now: checked on every request, in this one
     * place. Logs ids only.
     */
    static void requireHeld(SignedInUser user, SignInDirectory directory) {
        boolean held = user.isPatient() ? directory.patientRegistered(user.nhsNumber())
                : directory.holds(user.user(), user.role(), user.organisation());
        if (!held) {
            if (user.isPatient()) {
                log.warn("Sign-in refused: patient token for an NHS number that is not registered (user {})", user.user());
            } else {
                log.warn("Sign-in refused: the directory no longer holds {} at {} for user {}", user.role(),
                        user.organisation().value(), user.user());
            }
            throw new SignInEnded("the directory no longer holds this sign-in");
        }
    }

    /**
     * Token lifetime checks with an explicit, small clock skew ({@code careledger.security.clock-skew}, default 5 s;
     * at most 30 s). Spring Boot adds this validator to the decoder of a real issuer; the development identity
     * provider's decoder uses it alone.
     */
    @Bean
    OAuth2TokenValidator<Jwt> tokenTimestamps(@Value("${careledger.security.clock-skew:5s}") Duration skew) {
        if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("careledger.security.clock-skew must be 0s to " + MAX_CLOCK_SKEW.toSeconds() + "s");
        }
        return new JwtTimestampValidator(skew);
    }

    /**
     * Every token decoder, the development provider's or the one Spring Boot builds for a real issuer, remembers the
     * tokens it verified ({@link VerifiedTokens}, ADR 35), re-checking their lifetime with {@link #tokenTimestamps}
     * on every use. Static: a post-processor is made before the configuration's other beans.
     */
    @Bean
    static BeanPostProcessor verifiedTokens(ObjectProvider<OAuth2TokenValidator<Jwt>> tokenTimestamps) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof JwtDecoder decoder && !(bean instanceof VerifiedTokens)) {
                    return new VerifiedTokens(decoder, tokenTimestamps.getObject(), Clock.systemUTC());
                }
                return bean;
            }
        };
    }

    /** Everything outside the API and the identity provider: the web application, documentation, health and metrics. */
    @Bean
    @Order(10)
    SecurityFilterChain rest(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        // the web application (static files; it signs in and calls /api/** like any client)
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/assets/**", "/favicon.ico").permitAll()
                        .requestMatchers("/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs/**", "/error",
                                "/actuator/health/**", "/actuator/info", "/actuator/prometheus").permitAll()
                        .anyRequest().denyAll())
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    private static String[] roles(org.careledger.shared.Role... roles) {
        return java.util.Arrays.stream(roles).map(Enum::name).toArray(String[]::new);
    }

}
