package org.careledger.api;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency direction (api depends on ops; nothing below it knows the api) and one door to the data: the api
 * reads only through the services of the projections module that decide and audit (RecordReads, ConsentReads,
 * DirectoryReads, the audit trail...), never the database, the event store or the view tables itself.
 */
class ArchitectureTest {

    static JavaClasses all;
    static JavaClasses api;

    @BeforeAll
    static void importClasses() {
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.careledger");
        api = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    @Test
    void theApiModuleWasImportedOnItsOwn() {
        assertThat(api.stream().map(JavaClass::getSimpleName))
                .contains("FhirExports", "MeController", "DirectoryController", "PolicyController", "DevIdentityProvider")
                .doesNotContain("RecordReads", "ViewRebuild", "DemoRegion", "DemoOnStartup");
    }

    @Test
    void nothingOutsideTheApiImportsIt() {
        noClasses().that().resideOutsideOfPackage("org.careledger.api..")
                .should().dependOnClassesThat().resideInAPackage("org.careledger.api..")
                .check(all);
    }

    @Test
    void theApiReadsOnlyThroughTheServicesThatDecideAndAudit() {
        noClasses().that().resideInAPackage("org.careledger.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "javax.sql..",
                        "org.axonframework.eventsourcing.eventstore..", "org.careledger.views..")
                .as("nothing in api uses JdbcTemplate, a DataSource, the EventStore/EventStorageEngine or the views")
                .check(api);
    }

    @Test
    void theApiDoesNotDependOnTheDemoGenerator() {
        noClasses().that().resideInAPackage("org.careledger.api..")
                .should().dependOnClassesThat().resideInAPackage("org.careledger.demo..")
                .check(api);
    }

    @Test
    void theApisFeaturePackagesHaveNoCycles() {
        slices().matching("org.careledger.api.(*)..").should().beFreeOfCycles().check(api);
    }
}
