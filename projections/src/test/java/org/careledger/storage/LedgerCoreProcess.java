package org.careledger.storage;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.LedgerCore;
import org.careledger.shared.OdsCode;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ledger core as a process of its own, for tests that kill a JVM: {@code <data-dir> <ods-code> <ready-file>}.
 * Registers the organisation, writes the ready file and keeps running until it is stopped or killed.
 */
public final class LedgerCoreProcess {

    private LedgerCoreProcess() {
    }

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LedgerCore.class)
                .web(WebApplicationType.NONE)
                .properties("careledger.embedded-db.data-dir=" + args[0], "spring.main.keep-alive=true")
                .run();
        context.getBean(CommandGateway.class).sendAndWait(Fixtures.gpPractice(OdsCode.of(args[1]), "Killed Surgery"));
        Files.writeString(Path.of(args[2]), "ready");
    }
}
