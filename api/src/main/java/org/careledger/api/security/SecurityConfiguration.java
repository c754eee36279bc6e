package org.careledger.api.security;

import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

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
 * Which role reaches which endpoint is decided HERE, coarsely, by path; the ledger then decides finely (the access
 * policy for reads in {@code RecordReads}, the role policy and aggregates for writes). Record reads are open to
 * every signed-in role on purpose: {@code RecordReads} refuses IG officers, administrators and other patients itself,
 * and audits the refusal.
 */
@Configuration
public class SecurityConfiguration {

    static final String[] STAFF_WHO_CARE = roles(GP, PRACTICE_NURSE, PRACTICE_ADMIN, DISTRICT_NURSE,
            MENTAL_HEALTH_PRACTITIONER, SOCIAL_WORKER, PHARMACIST, OOH_CLINICIAN, SPECIALIST);

    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http, ProblemResponses problems) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            boolean tokenSent = request.getHeader("Authorization") != null;
            response.setHeader("WWW-Authenticate", tokenSent
                    ? "Bearer error=\"invalid_token\"" : "Bearer");
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
                            try {
                                return new SignedInAuthentication(SignedInUser.from(token), token);
                            } catch (RuntimeException e) {
                                throw new InvalidBearerTokenException(e.getMessage());
                            }
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
                        .requestMatchers("/api/patients/**").hasAnyRole(STAFF_WHO_CARE)
                        .requestMatchers("/api/audit/**").hasRole(IG_OFFICER.name())
                        .requestMatchers("/api/policy/**").hasAnyRole(ADMINISTRATOR.name(), IG_OFFICER.name())
                        .requestMatchers("/api/directory/**").hasRole(ADMINISTRATOR.name())
                        .requestMatchers("/api/whoami").authenticated()
                        // FHIR: the same rules as the REST equivalents
                        .requestMatchers(HttpMethod.GET, "/fhir/me/**").hasRole(PATIENT.name())
                        .requestMatchers(HttpMethod.GET, "/fhir/Patient/*/$everything").authenticated()
                        .requestMatchers(HttpMethod.GET, "/fhir/AuditEvent").hasRole(IG_OFFICER.name())
                        .requestMatchers(HttpMethod.GET, "/fhir/Patient/*/$who-could-see").hasRole(IG_OFFICER.name())
                        .anyRequest().denyAll());
        return http.build();
    }

    /** Everything outside the API and the identity provider: documentation, health and metrics. */
    @Bean
    @Order(10)
    SecurityFilterChain rest(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
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
