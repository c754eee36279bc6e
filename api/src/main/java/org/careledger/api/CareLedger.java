package org.careledger.api;

import org.careledger.ops.CareLedgerCli;
import org.springframework.boot.SpringApplication;

/**
 * The one executable jar. {@code java -jar careledger.jar} (or with Spring-style {@code --key=value} arguments)
 * starts the web application; {@code java -jar careledger.jar demo ...} (any ops subcommand) runs the command line
 * and exits with its code.
 */
public final class CareLedger {

    private CareLedger() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && CareLedgerCli.handles(args[0])) {
            System.exit(CareLedgerCli.execute(args));
        }
        SpringApplication.run(CareLedgerApplication.class, args);
    }
}
