package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;
import java.util.List;

/** A patient search was run: which kind of query (never its terms) and which patients it returned. */
@Revision("1")
public record PatientSearched(SearchKind query, List<NhsNumber> returned, Channel channel, Actor by, Instant at)
        implements AuditEvent {

    public enum SearchKind {
        NHS_NUMBER,
        SURNAME_AND_BIRTH_DATE,
        /** A free-text demographic search (issue 11): a name and a date or year of birth. */
        NAME_AND_BIRTH,
        /** ... a name and a postcode. */
        NAME_AND_POSTCODE,
        /** ... a name, a date or year of birth and a postcode. */
        NAME_BIRTH_AND_POSTCODE
    }
}
