package org.careledger.shared;

import java.time.Instant;

/**
 * Every event in the ledger says who did it and when. Events are a stored contract: past-tense records with an
 * explicit {@code @Revision}, never renamed or moved without an upcaster (a contract test freezes their names and
 * JSON).
 */
public interface LedgerEvent {

    Actor by();

    Instant at();
}
