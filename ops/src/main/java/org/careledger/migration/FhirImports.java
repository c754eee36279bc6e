package org.careledger.migration;

import org.careledger.bulk.BulkWriter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;

/**
 * Imports for the web application's administrator endpoint: a new {@link FhirImport} per request on the ledger's
 * BulkWriter. An auto-configuration of this module (META-INF/spring/...AutoConfiguration.imports), like the demo
 * loader, so the api reaches the import without touching the database itself.
 */
@AutoConfiguration
@ConditionalOnWebApplication
public class FhirImports {

    private final BulkWriter writer;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public FhirImports(BulkWriter writer, JdbcTemplate jdbc, Clock clock) {
        this.writer = writer;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Imports one Bundle or NDJSON body, named {@code name} in the report. */
    public ImportReport run(FhirImport.Options options, String name, InputStream body, boolean ndjson) throws IOException {
        return new FhirImport(writer, LedgerPatients.of(jdbc), options, clock).run(name, body, ndjson);
    }
}
