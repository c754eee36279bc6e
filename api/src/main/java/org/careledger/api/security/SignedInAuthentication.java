package org.careledger.api.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.List;

/**
 * A request authenticated by a verified token: the principal is the {@link SignedInUser} (controllers take it with
 * {@code @AuthenticationPrincipal}), the one authority is {@code ROLE_<role>}.
 */
final class SignedInAuthentication extends AbstractAuthenticationToken {

    private final SignedInUser user;
    private final Jwt token;

    SignedInAuthentication(SignedInUser user, Jwt token) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + user.role().name())));
        this.user = user;
        this.token = token;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public SignedInUser getPrincipal() {
        return user;
    }

    @Override
    public String getName() {
        return user.user().toString();
    }
}
