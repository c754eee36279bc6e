package org.careledger.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.careledger.registers.SignInDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.util.StringUtils;

import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;

/**
 * The development identity provider: Spring Authorization Server inside the application (endpoints under
 * {@code /oauth2/**}, OIDC discovery at {@code /.well-known/openid-configuration}, sign-in form at {@code /login}).
 * When it runs is decided by {@link #enabled} (docs/operations.md): only for development — when
 * {@code careledger.dev-idp.enabled=true}, or by default in the "just run it" mode (embedded database, no
 * issuer, no profile). Never beside a real issuer ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
 * and friends) or under a named profile: asking for both stops start-up with a one-line reason.
 * <p>
 * Who can sign in: {@link DevAccounts} — everyone the directory holds now (staff as {@code role@ODS} or by user id,
 * patients by NHS number), read from the registers at each sign-in, all with the one
 * development password ({@code careledger.dev-idp.password}, default {@code demo}). Clients:
 * <ul>
 *     <li>{@code careledger-web}: public, authorization code with PKCE (the coming web UI, Swagger UI);</li>
 *     <li>{@code careledger-script}: confidential (secret {@code careledger.dev-idp.script-secret}), client
 *     credentials; it acts as the user named by the extra token request parameter {@code act_as}
 *     ({@code -d act_as=gp@Y01234}). A development convenience only: any holder of the secret can be anyone.</li>
 * </ul>
 * The token customizer writes the claims {@link SignedInUser} reads: {@code sub} (user UUID), {@code name},
 * {@code role}, {@code ods} for staff; {@code sub}, {@code nhs_number} for patients. The signing key is made at
 * start-up: tokens do not survive a restart.
 */
@Configuration
@Conditional(DevIdentityProvider.Enabled.class)
@EnableConfigurationProperties(DevIdentityProvider.Settings.class)
public class DevIdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(DevIdentityProvider.class);
    public static final String WEB_CLIENT = "careledger-web";
    public static final String SCRIPT_CLIENT = "careledger-script";
    public static final String ACT_AS = "act_as";
    /** Authorization request parameter (OIDC): the role to sign in as, {@code <user id>/<role>@<ODS>}. */
    public static final String LOGIN_HINT = "login_hint";
    /** Token claim: the person holds several roles and the sign-in named none (the client should offer the choice). */
    public static final String SELECT_ROLE = "select_role";

    /** Settings, defaults in code. */
    @ConfigurationProperties("careledger.dev-idp")
    public record Settings(Boolean enabled, String password, String scriptSecret, List<String> redirectUris,
                           Duration accessTokenTtl) {
        public Settings {
            password = StringUtils.hasText(password) ? password : "demo";
            scriptSecret = StringUtils.hasText(scriptSecret) ? scriptSecret : "demo-script-secret";
            redirectUris = redirectUris == null || redirectUris.isEmpty()
                    ? List.of("http://127.0.0.1:8080/", "http://127.0.0.1:8080/swagger-ui/oauth2-redirect.html",
                    "http://127.0.0.1:5173/callback")
                    : List.copyOf(redirectUris);
            accessTokenTtl = accessTokenTtl == null ? Duration.ofMinutes(30) : accessTokenTtl;
        }
    }

    /** Properties that name a real token issuer: any of them makes the development provider a conflict. */
    static final List<String> REAL_ISSUER = List.of("spring.security.oauth2.resourceserver.jwt.issuer-uri",
            "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
            "spring.security.oauth2.resourceserver.jwt.public-key-location");

    /** Start-up refused: the development identity provider was asked for where it must never run. One line. */
    public static final class Misconfigured extends IllegalStateException {
        Misconfigured(String reason) {
            super(reason);
        }
    }

    /**
     * Does the development identity provider run? Pure, tested as a table.
     * <ul>
     *     <li>{@code careledger.dev-idp.enabled=false}: no;</li>
     *     <li>{@code careledger.dev-idp.enabled=true}: yes — unless a real issuer is configured or a profile is active,
     *     which refuses start-up ({@link Misconfigured});</li>
     *     <li>not set: yes only in the "just run it" mode: embedded database (no {@code spring.datasource.url}), no
     *     real issuer, no active profile. Anything else: no.</li>
     * </ul>
     *
     * @param realIssuer the real-issuer property that is set, or null
     */
    static boolean enabled(Boolean explicit, boolean realDatabase, String realIssuer, List<String> activeProfiles) {
        List<String> profiles = activeProfiles.stream().filter(p -> !"default".equals(p)).toList();
        if (Boolean.TRUE.equals(explicit)) {
            if (realIssuer != null) {
                throw new Misconfigured("careledger.dev-idp.enabled=true and " + realIssuer
                        + " are both set: the development identity provider never runs beside a real issuer; remove one");
            }
            if (!profiles.isEmpty()) {
                throw new Misconfigured("careledger.dev-idp.enabled=true with profile " + String.join(",", profiles)
                        + " active: the development identity provider runs only without a profile, for development");
            }
            return true;
        }
        return explicit == null && !realDatabase && realIssuer == null && profiles.isEmpty();
    }

    static boolean enabled(org.springframework.core.env.Environment environment) {
        String issuer = REAL_ISSUER.stream().filter(p -> StringUtils.hasText(environment.getProperty(p)))
                .findFirst().orElse(null);
        return enabled(environment.getProperty("careledger.dev-idp.enabled", Boolean.class),
                StringUtils.hasText(environment.getProperty("spring.datasource.url")), issuer,
                Arrays.asList(environment.getActiveProfiles()));
    }

    static final class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return enabled(context.getEnvironment());
        }
    }

    @Bean
    DevAccounts devAccounts(SignInDirectory directory) {
        return new DevAccounts(directory);
    }

    @Bean
    @Order(1)
    SecurityFilterChain identityProvider(HttpSecurity http) throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s.oidc(Customizer.withDefaults()))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults())); // the OIDC userinfo endpoint
        return http.build();
    }

    /** The sign-in form the authorization endpoint sends a browser to. */
    @Bean
    @Order(2)
    SecurityFilterChain signInForm(HttpSecurity http) throws Exception {
        http.securityMatcher("/login", "/logout", "/default-ui.css")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // BCrypt at its lowest work factor: the hashes live only in this process's memory and the default password
        // and script secret are published (README, docs/api.md), so a slow hash protects nothing here, while the
        // default factor (10) made a token request take ~120 ms instead of ~20 ms with C1 only (ADR 37), and put two
        // slow hashes on the start's main thread
        return new BCryptPasswordEncoder(4);
    }

    @Bean
    UserDetailsService directoryUsers(DevAccounts accounts, PasswordEncoder encoder, Settings settings) {
        String hash = encoder.encode(settings.password()); // one hash for every user: hashed once, at start
        return username -> {
            try {
                String role = accounts.resolve(username) instanceof DevAccounts.Staff s
                        ? s.session().role().name() : "PATIENT";
                return User.withUsername(username.strip()).password(hash).roles(role).build();
            } catch (DevAccounts.NoSuchAccount e) {
                throw new UsernameNotFoundException(e.getMessage());
            }
        };
    }

    @Bean
    RegisteredClientRepository clients(Settings settings, PasswordEncoder encoder) {
        RegisteredClient.Builder web = RegisteredClient.withId(UUID.nameUUIDFromBytes(WEB_CLIENT.getBytes()).toString())
                .clientId(WEB_CLIENT)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl())
                        .idTokenSignatureAlgorithm(TOKEN_ALGORITHM).build());
        settings.redirectUris().forEach(web::redirectUri);
        RegisteredClient script = RegisteredClient.withId(UUID.nameUUIDFromBytes(SCRIPT_CLIENT.getBytes()).toString())
                .clientId(SCRIPT_CLIENT)
                .clientSecret(encoder.encode(settings.scriptSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl()).build())
                .build();
        return new InMemoryRegisteredClientRepository(web.build(), script);
    }

    /** Writes CareLedger's claims into access and ID tokens, for the signed-in user or the script's {@code act_as}. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> careLedgerClaims(DevAccounts accounts) {
        return context -> {
            String username;
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                OAuth2ClientCredentialsAuthenticationToken grant = context.getAuthorizationGrant();
                Object actAs = grant.getAdditionalParameters().get(ACT_AS);
                if (actAs == null) {
                    throw invalid("name the user to act as: act_as=<role>@<ODS>, <user id>[/<role>@<ODS>] or an NHS number");
                }
                username = actAs.toString();
            } else {
                username = chosenRole(accounts, context.getPrincipal().getName(), loginHint(context));
            }
            DevAccounts.Account account;
            try {
                account = accounts.resolve(username); // again at issue: a role ended since the sign-in form is refused
            } catch (DevAccounts.NoSuchAccount e) {
                throw invalid(e.getMessage());
            }
            context.getJwsHeader().algorithm(TOKEN_ALGORITHM);
            JwtClaimsSet.Builder claims = context.getClaims();
            if (account instanceof DevAccounts.Patient patient) {
                claims.subject(patient.user().toString()).claim(SignedInUser.NHS_NUMBER, patient.nhsNumber().value());
                return;
            }
            SignInDirectory.StaffSession staff = ((DevAccounts.Staff) account).session();
            if (!((DevAccounts.Staff) account).named()) {
                claims.claim(SELECT_ROLE, true); // several roles held, none named: the client offers the choice
            }
            claims.subject(staff.user().toString())
                    .claim(SignedInUser.ROLE, staff.role().name())
                    .claim(SignedInUser.ODS, staff.organisation().value());
            if (staff.name() != null) {
                claims.claim(SignedInUser.NAME, staff.name());
            }
        };
    }

    /**
     * The sign-in's username, or the role the client asks for again ({@code login_hint=<user id>/<role>@<ODS>} on the
     * authorization request: the web application's role picker) — only a role of the same person as the provider's
     * session; anything else is refused.
     */
    static String chosenRole(DevAccounts accounts, String username, String hint) {
        if (hint == null || hint.isBlank()) {
            return username;
        }
        try {
            if (accounts.resolve(username) instanceof DevAccounts.Staff signedIn
                    && accounts.resolve(hint) instanceof DevAccounts.Staff chosen
                    && signedIn.session().user().equals(chosen.session().user())) {
                return hint.strip();
            }
        } catch (DevAccounts.NoSuchAccount e) {
            throw invalid(e.getMessage());
        }
        throw invalid("login_hint names a role of someone else");
    }

    private static String loginHint(JwtEncodingContext context) {
        if (context.getAuthorization() == null) {
            return null;
        }
        OAuth2AuthorizationRequest request = context.getAuthorization().getAttribute(
                OAuth2AuthorizationRequest.class.getName());
        Object hint = request == null ? null : request.getAdditionalParameters().get(LOGIN_HINT);
        return hint == null ? null : hint.toString();
    }

    private static OAuth2AuthenticationException invalid(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error("invalid_request", description, null));
    }

    /**
     * The provider's signing key, an EC P-256 key pair made for each start; tokens are signed ES256 (ADR 37). An RSA
     * key pair took 0.3-0.7 s to make with the optimising compiler and, in the README's run, which compiles with C1
     * only, several seconds of CPU (BigInteger's arithmetic has no C1 intrinsics), half as much as the demo load's own
     * Java CPU (JFR). An EC key takes milliseconds; it is still made on a thread of its own while the rest of the
     * application is built, and the first token signed or verified waits for it.
     */
    @Bean
    BackgroundSigningKey signingKey() {
        log.info("Development identity provider on: everyone the directory holds signs in at /oauth2/authorize; never use it in production");
        return new BackgroundSigningKey();
    }

    /** The JWS algorithm of the provider's tokens, access and ID tokens alike. */
    static final SignatureAlgorithm TOKEN_ALGORITHM = SignatureAlgorithm.ES256;

    /** A JWK source over one EC key pair that is being made on its own thread. */
    static final class BackgroundSigningKey implements JWKSource<SecurityContext> {
        private final CompletableFuture<ECKey> key = CompletableFuture.supplyAsync(BackgroundSigningKey::make, task -> {
            Thread thread = new Thread(task, "dev-idp-signing-key");
            thread.setDaemon(true);
            thread.start();
        });

        private static ECKey make() {
            try {
                return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                        .keyID(UUID.randomUUID().toString()).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("this JVM cannot make P-256 keys", e);
            }
        }

        ECPublicKey publicKey() {
            try {
                return key.join().toECPublicKey();
            } catch (JOSEException e) {
                throw new IllegalStateException("the development signing key has no EC public key", e);
            }
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) {
            return selector.select(new JWKSet(key.join()));
        }
    }

    /**
     * The API trusts the tokens this provider signs (and, being in-process, needs no discovery round trip), with the
     * clock skew of {@link SecurityConfiguration#tokenTimestamps}. It verifies ES256 with the public key alone, held
     * as a Java key: a decoder over the signing key's JWK set converts the whole key pair from Base64 on every
     * request (28 % of the server's CPU when one client opened a 200-entry record, JFR, with RSA), and has no
     * business holding the private key. The claims are checked by Spring's validator only, as in Spring's own
     * decoders. It is built when the key is ready, at the first token.
     */
    @Bean
    JwtDecoder jwtDecoder(BackgroundSigningKey signingKey, OAuth2TokenValidator<Jwt> tokenTimestamps) {
        CompletableFuture<JwtDecoder> decoder = signingKey.key.thenApply(ready -> {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.ES256, signingKey.publicKey()));
            processor.setJWSTypeVerifier((type, context) -> { });
            processor.setJWTClaimsSetVerifier((claims, context) -> { });
            NimbusJwtDecoder built = new NimbusJwtDecoder(processor);
            built.setJwtValidator(tokenTimestamps); // the configured clock skew, not the library's 60 s
            return built;
        });
        return token -> decoder.join().decode(token);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().build();
    }
}
