package org.careledger.api.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.careledger.demo.DemoRegion;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Registers;
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
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
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

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The development identity provider: Spring Authorization Server inside the application (endpoints under
 * {@code /oauth2/**}, OIDC discovery at {@code /.well-known/openid-configuration}, sign-in form at {@code /login}).
 * On by default with the embedded database, off when a real database is configured; {@code careledger.dev-idp.enabled}
 * decides explicitly. Production switches it off and names a real OIDC provider by
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} (docs/operations.md).
 * <p>
 * Who can sign in: {@link DemoAccounts} (staff as {@code role@ODS}, patients by NHS number), all with the one
 * development password ({@code careledger.dev-idp.password}, default {@code demo}). Clients:
 * <ul>
 *     <li>{@code careledger-web}: public, authorization code with PKCE (the coming web UI, Swagger UI);</li>
 *     <li>{@code careledger-script}: confidential (secret {@code careledger.dev-idp.script-secret}), client
 *     credentials; it acts as the demo user named by the extra token request parameter {@code act_as}
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

    /** Settings, defaults in code. */
    @ConfigurationProperties("careledger.dev-idp")
    public record Settings(Boolean enabled, String password, String scriptSecret, List<String> redirectUris,
                           Duration accessTokenTtl, Long seed) {
        public Settings {
            password = StringUtils.hasText(password) ? password : "demo";
            scriptSecret = StringUtils.hasText(scriptSecret) ? scriptSecret : "demo-script-secret";
            redirectUris = redirectUris == null || redirectUris.isEmpty()
                    ? List.of("http://127.0.0.1:8080/swagger-ui/oauth2-redirect.html", "http://127.0.0.1:5173/callback")
                    : List.copyOf(redirectUris);
            accessTokenTtl = accessTokenTtl == null ? Duration.ofMinutes(30) : accessTokenTtl;
        }
    }

    /** Explicit {@code careledger.dev-idp.enabled} wins; otherwise on exactly when the database is the embedded one. */
    static final class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Boolean explicit = context.getEnvironment().getProperty("careledger.dev-idp.enabled", Boolean.class);
            if (explicit != null) {
                return explicit;
            }
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }

    @Bean
    DemoAccounts demoAccounts(org.springframework.core.env.Environment environment, Settings settings) {
        long seed = settings.seed() != null ? settings.seed()
                : environment.getProperty("careledger.demo.seed", Long.class, DemoRegion.DEFAULT_SEED);
        return new DemoAccounts(seed);
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
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService demoUsers(DemoAccounts accounts, Registers registers, PasswordEncoder encoder,
                                 Settings settings) {
        String hash = encoder.encode(settings.password()); // one hash for every demo user: hashed once, at start
        return username -> {
            if (DemoAccounts.patient(username).filter(registers::patientRegistered).isPresent()) {
                return User.withUsername(NhsNumber.of(username).value()).password(hash).roles("PATIENT").build();
            }
            return accounts.staff(username)
                    .map(s -> User.withUsername(s.username()).password(hash).roles(s.role().name()).build())
                    .orElseThrow(() -> new UsernameNotFoundException("no such demo user"));
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
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(settings.accessTokenTtl()).build());
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
    OAuth2TokenCustomizer<JwtEncodingContext> careLedgerClaims(DemoAccounts accounts, Registers registers) {
        return context -> {
            String username;
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                OAuth2ClientCredentialsAuthenticationToken grant = context.getAuthorizationGrant();
                Object actAs = grant.getAdditionalParameters().get(ACT_AS);
                if (actAs == null) {
                    throw invalid("name the demo user to act as: act_as=<role>@<ODS> or an NHS number");
                }
                username = actAs.toString();
            } else {
                username = context.getPrincipal().getName();
            }
            JwtClaimsSet.Builder claims = context.getClaims();
            var patient = DemoAccounts.patient(username).filter(registers::patientRegistered);
            if (patient.isPresent()) {
                claims.subject(DemoAccounts.patientUser(patient.get()).toString())
                        .claim(SignedInUser.NHS_NUMBER, patient.get().value());
                return;
            }
            DemoAccounts.Staff staff = accounts.staff(username).orElseThrow(() -> invalid("no such demo user"));
            claims.subject(staff.user().toString())
                    .claim(SignedInUser.NAME, staff.name())
                    .claim(SignedInUser.ROLE, staff.role().name())
                    .claim(SignedInUser.ODS, staff.organisation().value());
        };
    }

    private static OAuth2AuthenticationException invalid(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error("invalid_request", description, null));
    }

    @Bean
    JWKSource<SecurityContext> signingKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        log.info("Development identity provider on: demo users sign in at /oauth2/authorize; never use it in production");
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /** The API trusts the tokens this provider signs (and, being in-process, needs no discovery round trip). */
    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> signingKey) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(signingKey);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().build();
    }
}
