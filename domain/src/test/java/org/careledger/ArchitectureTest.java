package org.careledger;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.axonframework.serialization.Revision;
import org.careledger.shared.LedgerEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The domain is pure: Java, Axon's modelling API and itself. Events are a stored contract with a fixed shape. */
class ArchitectureTest {

    /** Event names that are past tense without ending in "ed". */
    static final Set<String> IRREGULAR_PAST_TENSE = Set.of("DissentWithdrawn", "TeamLeft", "EntryMarkedEnteredInError");

    static JavaClasses domain;

    @BeforeAll
    static void importDomainMainClasses() {
        domain = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.careledger");
    }

    @Test
    void the_domain_module_was_imported() {
        assertThat(domain.stream().map(JavaClass::getSimpleName))
                .contains("PatientRecord", "PatientConsent", "PatientAccess", "Organisation", "StaffMember", "RolePolicy");
    }

    @Test
    void the_domain_depends_only_on_java_axon_modelling_and_itself() {
        classes().that().resideInAPackage("org.careledger..")
                .should().onlyDependOnClassesThat(resideInAnyPackage(
                                "java..",
                                "org.axonframework.modelling..",
                                "org.axonframework.eventsourcing..",
                                "org.axonframework.commandhandling..",
                                "org.careledger..")
                        .or(type(Revision.class))
                        .or(describe("a primitive", JavaClass::isPrimitive)))
                .check(domain);
    }

    @Test
    void the_domain_knows_no_framework_storage_or_transport() {
        noClasses().that().resideInAPackage("org.careledger..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "jakarta.persistence..", "javax.persistence..", "co.elastic..",
                        "org.elasticsearch..", "java.net.http..", "java.sql..")
                .check(domain);
    }

    @Test
    void every_ledger_event_is_a_record_with_a_revision() {
        classes().that().implement(LedgerEvent.class).and().areNotInterfaces()
                .should().beAssignableTo(Record.class)
                .andShould().beAnnotatedWith(Revision.class)
                .check(domain);
    }

    @Test
    void every_ledger_event_has_a_past_tense_name_not_ending_in_event() {
        classes().that().implement(LedgerEvent.class).and().areNotInterfaces()
                .should(new ArchCondition<>("have a past-tense name") {
                    @Override
                    public void check(JavaClass event, ConditionEvents events) {
                        String name = event.getSimpleName();
                        boolean pastTense = name.endsWith("ed") || IRREGULAR_PAST_TENSE.contains(name);
                        events.add(new SimpleConditionEvent(event, pastTense && !name.endsWith("Event"),
                                name + " is " + (pastTense ? "" : "not ") + "past tense"));
                    }
                })
                .andShould().haveSimpleNameNotEndingWith("Event")
                .check(domain);
    }

    @Test
    void the_irregular_allow_list_names_only_real_events() {
        assertThat(domain.stream().filter(c -> c.isAssignableTo(LedgerEvent.class) && !c.isInterface())
                .map(JavaClass::getSimpleName))
                .hasSizeGreaterThanOrEqualTo(21)
                .containsAll(IRREGULAR_PAST_TENSE);
    }

    @Test
    void feature_packages_have_no_cycles() {
        slices().matching("org.careledger.(*)..").should().beFreeOfCycles().check(domain);
    }
}
