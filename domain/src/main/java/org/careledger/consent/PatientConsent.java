package org.careledger.consent;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.CareRelationships;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.CONFLICTING_STATE;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.NOT_PERMITTED;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ORGANISATION;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_PATIENT;
import static org.careledger.shared.Refusal.require;

/**
 * One patient's consent to share: per-organisation share-out and share-in decisions and dissent. Kept apart from
 * the record so that a consent change never waits for, or conflicts with, clinical writes, and loads in a few
 * events (see docs/adr/0002-aggregate-boundaries.md). Created by its first decision.
 */
public class PatientConsent {

    /** The stream id, {@code consent:<NHS number>}: unique across aggregate types, as Axon's store requires. */
    @AggregateIdentifier
    private String stream;
    private boolean dissentInForce;

    protected PatientConsent() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordConsentDecision command, Registers registers, CareRelationships relationships) {
        requirePatient(command.patient(), registers);
        requireRelated(command.by(), command.patient(), command.at(), relationships);
        requireRecorder(command.by(), command.method());
        Refusal.requireValue(command.organisation(), "organisation");
        Refusal.requireValue(command.direction(), "direction");
        Refusal.requireValue(command.decision(), "decision");
        require(registers.organisationType(command.organisation()).isPresent(), UNKNOWN_ORGANISATION,
                "organisation " + command.organisation() + " is not registered");
        apply(new ConsentDecisionRecorded(command.patient(), command.organisation(), command.direction(),
                command.decision(), command.method(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordDissent command, Registers registers, CareRelationships relationships) {
        requirePatient(command.patient(), registers);
        requireRelated(command.by(), command.patient(), command.at(), relationships);
        requireRecorder(command.by(), command.method());
        require(!dissentInForce, CONFLICTING_STATE, "dissent is already in force");
        apply(new DissentRecorded(command.patient(), command.method(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(WithdrawDissent command, Registers registers, CareRelationships relationships) {
        requirePatient(command.patient(), registers);
        requireRelated(command.by(), command.patient(), command.at(), relationships);
        requireRecorder(command.by(), command.method());
        require(dissentInForce, CONFLICTING_STATE, "no dissent is in force");
        apply(new DissentWithdrawn(command.patient(), command.method(), command.by(), command.at()));
    }

    /** The consent stream of a patient. */
    public static String streamOf(NhsNumber patient) {
        return "consent:" + patient.value();
    }

    @EventSourcingHandler
    void on(ConsentDecisionRecorded event) {
        stream = streamOf(event.patient());
    }

    @EventSourcingHandler
    void on(DissentRecorded event) {
        stream = streamOf(event.patient());
        dissentInForce = true;
    }

    @EventSourcingHandler
    void on(DissentWithdrawn event) {
        dissentInForce = false;
    }

    private static void requirePatient(NhsNumber patient, Registers registers) {
        require(registers.patientRegistered(patient), UNKNOWN_PATIENT, "patient not registered");
    }

    private static final Set<Basis> ANY_BASIS = EnumSet.of(Basis.REGISTERED, Basis.GRANT, Basis.EMERGENCY);

    /**
     * Staff record a patient's decision only while they stand in a care relationship with them (any basis, checked
     * before anything else so an unrelated recorder learns nothing more than of an unknown patient). A patient
     * needs none here: the edge lets a patient act on their own NHS number only.
     */
    private static void requireRelated(Actor by, NhsNumber patient, Instant at, CareRelationships relationships) {
        Refusal.requireValue(by, "actor");
        if (by.role() != Role.PATIENT) {
            relationships.require(by, patient, at, ANY_BASIS);
        }
    }

    /**
     * A patient records their own decisions online; staff record them on the patient's behalf, verbally or in
     * writing. IG officers and administrators record no consent.
     */
    private static void requireRecorder(Actor by, ConsentMethod method) {
        Refusal.requireValue(method, "method");
        require(by.role() != Role.IG_OFFICER && by.role() != Role.ADMINISTRATOR, NOT_PERMITTED,
                by.role() + " may not record consent");
        if (by.role() == Role.PATIENT) {
            require(method == ConsentMethod.ONLINE_BY_PATIENT, INVALID_INPUT, "a patient records consent online");
        } else {
            require(method != ConsentMethod.ONLINE_BY_PATIENT, INVALID_INPUT,
                    "only the patient records consent online");
        }
    }
}
