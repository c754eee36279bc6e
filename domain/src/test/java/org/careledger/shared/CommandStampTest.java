package org.careledger.shared;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ADR 3: no command exists without who and when. Checked for every command class, found by scanning. */
class CommandStampTest {

    static List<Class<?>> commands() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.careledger").stream()
                .filter(c -> c.isAssignableTo(Command.class) && !c.isInterface())
                .map(JavaClass::reflect)
                .sorted(java.util.Comparator.comparing(Class::getName))
                .toList();
    }

    @Test
    void everyCommandIsARecordEndingWithWhoAndWhen() {
        assertThat(commands()).hasSizeGreaterThan(20);
        for (Class<?> command : commands()) {
            assertThat(command.isRecord()).as(command.getSimpleName()).isTrue();
            RecordComponent[] components = command.getRecordComponents();
            assertThat(components[components.length - 2].getName()).as(command.getSimpleName()).isEqualTo("by");
            assertThat(components[components.length - 1].getName()).as(command.getSimpleName()).isEqualTo("at");
        }
    }

    @TestFactory
    Stream<DynamicTest> aCommandWithoutWhoOrWhenCannotBeBuilt() {
        return commands().stream().map(command -> DynamicTest.dynamicTest(command.getSimpleName(), () -> {
            Constructor<?> canonical = command.getDeclaredConstructor(Arrays.stream(command.getRecordComponents())
                    .map(RecordComponent::getType).toArray(Class[]::new));
            Object[] nulls = new Object[canonical.getParameterCount()];
            assertThatThrownBy(() -> construct(canonical, nulls))
                    .isInstanceOf(Refusal.class)
                    .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.INVALID_INPUT))
                    .hasMessageContaining("who (by)");
        }));
    }

    private static Object construct(Constructor<?> constructor, Object[] args) throws Throwable {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
