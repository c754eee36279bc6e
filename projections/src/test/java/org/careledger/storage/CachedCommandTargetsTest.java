package org.careledger.storage;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cached resolver answers exactly what Axon's annotation resolver answers, for each shape of command. */
class CachedCommandTargetsTest {

    record OnComponent(@TargetAggregateIdentifier String id, String other) {
    }

    record WithVersion(@TargetAggregateIdentifier Object id, @TargetAggregateVersion Integer version) {
    }

    static final class OnMethod {
        private final String stream;

        OnMethod(String stream) {
            this.stream = stream;
        }

        @TargetAggregateIdentifier
        String stream() {
            return "consent:" + stream;
        }
    }

    static class OnField {
        @TargetAggregateIdentifier
        private final String id;

        OnField(String id) {
            this.id = id;
        }
    }

    static final class Inherited extends OnField {
        Inherited(String id) {
            super(id);
        }
    }

    record NoTarget(String id) {
    }

    private final AnnotationCommandTargetResolver axon = AnnotationCommandTargetResolver.builder().build();

    @Test
    void sameTargetAsAxonForEveryShape() {
        List<Object> commands = List.of(new OnComponent("9990000018", "x"), new OnMethod("9990000026"),
                new OnField("ODS1"), new Inherited("team-1"), new WithVersion(java.util.UUID.randomUUID(), 7),
                new WithVersion("a", null), new OnComponent("second instance", "y"));
        for (Object command : commands) {
            var message = GenericCommandMessage.asCommandMessage(command);
            VersionedAggregateIdentifier expected = axon.resolveTarget(message);
            VersionedAggregateIdentifier actual = CachedCommandTargets.INSTANCE.resolveTarget(message);
            assertThat(actual).as(command.getClass().getSimpleName()).isEqualTo(expected);
            assertThat(actual.getIdentifier()).isEqualTo(expected.getIdentifier());
            assertThat(actual.getVersion()).isEqualTo(expected.getVersion());
        }
    }

    @Test
    void aCommandWithoutATargetOrWithANullOneIsRefusedAsAxonRefusesIt() {
        for (Object command : List.of(new NoTarget("x"), new OnComponent(null, "y"))) {
            var message = GenericCommandMessage.asCommandMessage(command);
            assertThatThrownBy(() -> axon.resolveTarget(message)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CachedCommandTargets.INSTANCE.resolveTarget(message))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
