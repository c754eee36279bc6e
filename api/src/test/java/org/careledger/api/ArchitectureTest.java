package org.careledger.api;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The dependency direction: api depends on ops; nothing below it knows the api. */
class ArchitectureTest {

    @Test
    void nothingOutsideTheApiImportsIt() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.careledger");
        noClasses().that().resideOutsideOfPackage("org.careledger.api..")
                .should().dependOnClassesThat().resideInAPackage("org.careledger.api..")
                .check(classes);
    }
}
