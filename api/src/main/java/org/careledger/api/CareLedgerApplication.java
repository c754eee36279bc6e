package org.careledger.api;

import org.careledger.LedgerCore;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The web application: the ledger core plus the HTTP edge and the demo loaded on start-up. */
@SpringBootApplication
@Import(LedgerCore.class)
public class CareLedgerApplication {
}
