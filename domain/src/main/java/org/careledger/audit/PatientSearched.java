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
        SURNAME_AND_BIRTH_DATE
    }
}
