package org.careledger.storage;

import org.careledger.LedgerCore;
import org.careledger.registers.FailingRegisterHandler;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Base of the tests that share one ledger context on one embedded PostgreSQL with a throwaway data directory
 * (under target/, so {@code mvn clean} removes it). Every subclass reuses the same cached Spring context.
 */
@SpringBootTest(classes = {LedgerCore.class, FailingRegisterHandler.class, FailureProbe.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class LedgerDatabaseTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "shared-" + UUID.randomUUID());

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }
}
