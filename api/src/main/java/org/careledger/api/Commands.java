package org.careledger.api;

import org.careledger.audit.RecordWriteRefused;
import org.careledger.audit.trail.AuditAppender;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.lang.reflect.RecordComponent;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * How controllers write: a command stamped with {@code at} from the injected clock (ADR 3; {@code by} comes from
 * the token, {@code SignedInUser#actor}), sent and waited for. A refusal comes back as the aggregate threw it and
 * becomes problem+json.
 */
@Component
public class Commands {

    private final CommandGateway gateway;
    private final Clock clock;
    private final AuditAppender audit;

    public Commands(CommandGateway gateway, Clock clock, AuditAppender audit) {
        this.gateway = gateway;
        this.clock = clock;
        this.audit = audit;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * The refusals of a patient write that are refusals of access: no care relationship, an unknown patient (which
     * answers alike), and a writer whose role or organisation may not do this (e.g. a transfer of registration by
     * someone who is not at a GP practice, or a section their role may not write).
     */
    private static final Set<Refusal.Kind> REFUSALS_OF_ACCESS = EnumSet.of(Refusal.Kind.NO_CARE_RELATIONSHIP,
            Refusal.Kind.UNKNOWN_PATIENT, Refusal.Kind.NOT_PERMITTED, Refusal.Kind.SECTION_NOT_WRITABLE);

    /**
     * Sends the command and waits. A patient write refused as a refusal of access ({@link #REFUSALS_OF_ACCESS}) is
     * audited ({@link RecordWriteRefused}) before the refusal goes back.
     */
    public void send(Object command) {
        try {
            gateway.sendAndWait(command);
        } catch (Refusal refusal) {
            if (REFUSALS_OF_ACCESS.contains(refusal.kind())) {
                patientOf(command).ifPresent(patient -> {
                    org.careledger.shared.Command stamped = (org.careledger.shared.Command) command;
                    audit.append(new RecordWriteRefused(patient, command.getClass().getSimpleName(), refusal.kind(),
                            stamped.by(), stamped.at()));
                });
            }
            throw refusal;
        }
    }

    /** The patient a command is about: its {@code patient} component, if it has one. */
    static Optional<NhsNumber> patientOf(Object command) {
        if (!(command instanceof org.careledger.shared.Command) || !command.getClass().isRecord()) {
            return Optional.empty();
        }
        for (RecordComponent component : command.getClass().getRecordComponents()) {
            if (component.getName().equals("patient") && component.getType() == NhsNumber.class) {
                try {
                    return Optional.ofNullable((NhsNumber) component.getAccessor().invoke(command));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("record accessor not callable: " + component.getName(), e);
                }
            }
        }
        return Optional.empty();
    }
}
