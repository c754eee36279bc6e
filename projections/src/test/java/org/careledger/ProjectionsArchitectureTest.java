package org.careledger;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The projections module's own classes (target/classes only, not the domain it depends on). */
class ProjectionsArchitectureTest {

    static JavaClasses projections;

    @BeforeAll
    static void importThisModule() {
        projections = new ClassFileImporter().importPath(Path.of("target", "classes"));
    }

    @Test
    void the_projections_module_was_imported_and_nothing_else() {
        assertThat(projections.stream().map(JavaClass::getSimpleName))
                .contains("RecordReads", "ViewRebuild", "AuditTrail", "EventStoreConfiguration")
                .doesNotContain("PatientRecord", "AccessPolicy");
    }

    @Test
    void feature_packages_have_no_cycles() {
        slices().matching("org.careledger.(*)..").should().beFreeOfCycles().check(projections);
    }
}
