package org.careledger.api.me;

import org.careledger.reading.ConsentReads;

import java.util.List;

/** The patient's consent as it stands, as the API answers it: dissent and each organisation's two decisions, with names. */
record MyConsent(boolean dissentInForce, List<Decision> decisions) {

    /** Named apart from the consent-recording body {@code Decision} in the OpenAPI document (springdoc names schemas by simple class name). */
    @io.swagger.v3.oas.annotations.media.Schema(name = "MyConsentDecision")
    record Decision(String organisation, String organisationName, String direction, String decision) {
    }

    /** From ConsentReads (which decided and audited the read). */
    static MyConsent of(ConsentReads.Current current) {
        return new MyConsent(current.dissentInForce(), current.decisions().stream()
                .map(d -> new Decision(d.organisation().value(), d.organisationName(), d.direction().name(),
                        d.decision().name()))
                .toList());
    }
}
