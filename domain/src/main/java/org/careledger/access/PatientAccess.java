package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Values;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import org.careledger.access.AccessDecision.Basis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALREADY_EXISTS;
import static org.careledger.shared.Refusal.Kind.EMERGENCY_NOT_PERMITTED;
import static org.careledger.shared.Refusal.Kind.EXCEEDS_POLICY_MAXIMUM;
import static org.careledger.shared.Refusal.Kind.GRANT_ALREADY_REVOKED;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.INVALID_VALIDITY_WINDOW;
import static org.careledger.shared.Refusal.Kind.NOT_PERMITTED;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_GRANT;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ORGANISATION;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_PATIENT;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_STAFF_MEMBER;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_TEAM;
import static org.careledger.shared.Refusal.require;

/**
 * Who may open one patient's record beyond their registered practice: access grants, grants that unseal named
 * entries, and emergency declarations. Kept apart from the record: it is read on every access and changes on its
 * own rhythm (see docs/adr/0002-aggregate-boundaries.md). Created by its first grant or emergency.
 * <p>
 * Granting, unsealing and revoking need the actor to hold a REGISTERED or GRANT basis for the patient now
 * ({@link CareRelationships}; revoking also by any IG officer), checked before anything else so an unrelated actor
 * learns nothing more than of an unknown patient. Declaring an emergency needs no basis: that is its point.
 */
public class PatientAccess {

    /** The stream id, {@code access:<NHS number>}: unique across aggregate types, as Axon's store requires. */
    @AggregateIdentifier
    private String stream;
    private NhsNumber patient;
    private Map<UUID, Boolean> grantsRevoked = new HashMap<>();
    private Set<UUID> emergencies = new HashSet<>();
    private Set<String> reported = new HashSet<>();

    protected PatientAccess() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(GrantAccess command, PolicyInForce inForce, Registers registers,
                       CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        requirePatient(command.patient(), registers);
        if (!isOwnOutOfHoursEpisode(command)) {
            relationships.require(command.by(), command.patient(), command.at(), GRANTING_BASES);
        }
        requireGrantor(command.by(), policy);
        Refusal.requireValue(command.grant(), "grant id");
        Refusal.requireValue(command.reason(), "grant reason");
        Refusal.requireValue(command.scope(), "grant scope");
        require(command.reason() != GrantReason.SEALED_ENTRY_DISCLOSURE, INVALID_INPUT,
                "sealed entries are disclosed by a sealed-entry grant");
        require(!grantsRevoked.containsKey(command.grant().value()), ALREADY_EXISTS, "grant " + command.grant() + " exists");
        requireGrantee(command.grantee(), registers);
        requireWindow(command.validFrom(), command.validUntil(), command.at(), policy.grantMaximum(command.reason()));
        apply(new AccessGranted(command.patient(), command.grant(), command.grantee(), command.reason(), command.scope(),
                command.validFrom(), command.validUntil(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(GrantSealedEntryAccess command, PolicyInForce inForce, Registers registers,
                       CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        requirePatient(command.patient(), registers);
        relationships.require(command.by(), command.patient(), command.at(), GRANTING_BASES);
        requireGrantor(command.by(), policy);
        Refusal.requireValue(command.grant(), "grant id");
        require(!grantsRevoked.containsKey(command.grant().value()), ALREADY_EXISTS, "grant " + command.grant() + " exists");
        Refusal.requireValue(command.grantee(), "grantee");
        require(command.grantee().kind() != Grantee.Kind.ORGANISATION, INVALID_INPUT,
                "sealed entries are disclosed to named users or teams, not whole organisations");
        requireGrantee(command.grantee(), registers);
        List<EntryId> entries = command.entries();
        require(entries != null && !entries.isEmpty(), INVALID_INPUT, "a sealed-entry grant names at least one entry");
        String reason = Refusal.requireReason(command.reason(), "a sealed-entry grant");
        requireWindow(command.validFrom(), command.validUntil(), command.at(),
                policy.grantMaximum(GrantReason.SEALED_ENTRY_DISCLOSURE));
        apply(new SealedEntryAccessGranted(command.patient(), command.grant(), command.grantee(), List.copyOf(entries),
                reason, command.validFrom(), command.validUntil(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RevokeAccessGrant command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        Refusal.requireValue(command.by(), "actor");
        Refusal.requireValue(command.patient(), "patient");
        Refusal.requireValue(command.grant(), "grant id");
        if (command.by().role() != Role.IG_OFFICER) {
            relationships.require(command.by(), command.patient(), command.at(), GRANTING_BASES);
        }
        Boolean revoked = grantsRevoked.get(command.grant().value());
        require(revoked != null, UNKNOWN_GRANT, "grant " + command.grant() + " is not on this patient's record");
        require(!revoked, GRANT_ALREADY_REVOKED, "grant " + command.grant() + " is already revoked");
        require(policy.mayGrant(command.by().role()) || command.by().role() == Role.IG_OFFICER, NOT_PERMITTED,
                command.by().role() + " may not revoke grants");
        String reason = Refusal.requireReason(command.reason(), "a revocation");
        apply(new AccessGrantRevoked(patient, command.grant(), reason, command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(DeclareEmergencyAccess command, PolicyInForce inForce, Registers registers) {
        RolePolicy policy = inForce.current();
        requirePatient(command.patient(), registers);
        Refusal.requireValue(command.emergency(), "emergency access id");
        Duration lasts = policy.emergencyDuration(command.by().role()).orElseThrow(() ->
                Refusal.of(EMERGENCY_NOT_PERMITTED, command.by().role() + " may not declare emergency access"));
        String reason = Refusal.requireReason(command.reason(), "emergency access");
        require(!emergencies.contains(command.emergency().value()), ALREADY_EXISTS,
                "emergency access " + command.emergency() + " exists");
        apply(new EmergencyAccessDeclared(command.patient(), command.emergency(), reason, command.at().plus(lasts),
                command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ReportUnrecognisedAccess command, Registers registers) {
        requirePatient(command.patient(), registers);
        require(command.by().role() == Role.PATIENT, NOT_PERMITTED, "only the patient reports an access they do not recognise");
        String event = Refusal.requireValue(command.accessEvent(), "access event");
        require(!event.isBlank() && event.length() <= 255, INVALID_INPUT, "an access event id is 1 to 255 characters");
        String comment = command.comment() == null || command.comment().isBlank() ? null : command.comment().strip();
        require(comment == null || comment.length() <= ReportUnrecognisedAccess.MAX_COMMENT, INVALID_INPUT,
                "a comment is at most " + ReportUnrecognisedAccess.MAX_COMMENT + " characters");
        require(!reported.contains(event), ALREADY_EXISTS, "access " + event + " is already reported");
        apply(new UnrecognisedAccessReported(command.patient(), event, comment, command.by(), command.at()));
    }

    /** The access stream of a patient. */
    public static String streamOf(NhsNumber patient) {
        return "access:" + patient.value();
    }

    @EventSourcingHandler
    void on(AccessGranted event) {
        patient = event.patient();
        stream = streamOf(patient);
        grantsRevoked.put(event.grant().value(), false);
    }

    @EventSourcingHandler
    void on(SealedEntryAccessGranted event) {
        patient = event.patient();
        stream = streamOf(patient);
        grantsRevoked.put(event.grant().value(), false);
    }

    @EventSourcingHandler
    void on(AccessGrantRevoked event) {
        grantsRevoked.put(event.grant().value(), true);
    }

    @EventSourcingHandler
    void on(EmergencyAccessDeclared event) {
        patient = event.patient();
        stream = streamOf(patient);
        emergencies.add(event.emergency().value());
    }

    @EventSourcingHandler
    void on(UnrecognisedAccessReported event) {
        patient = event.patient();
        stream = streamOf(patient);
        reported.add(event.accessEvent());
    }

    private static void requirePatient(NhsNumber patient, Registers registers) {
        Refusal.requireValue(patient, "patient");
        require(registers.patientRegistered(patient), UNKNOWN_PATIENT, "patient not registered");
    }

    /**
     * Whoever hands out or withdraws access must hold a standing relationship with the patient: REGISTERED or
     * GRANT. An EMERGENCY is access for the declarer alone, never a basis to give access to others.
     */
    private static final Set<Basis> GRANTING_BASES = EnumSet.of(Basis.REGISTERED, Basis.GRANT);

    /**
     * The one exception to {@link #GRANTING_BASES}: an out-of-hours clinician opening an OUT_OF_HOURS_EPISODE grant
     * to their own organisation. The out-of-hours episode is itself the care relationship (the patient has called
     * the out-of-hours service, which has no prior grant or registration); the grant is recorded like any other:
     * bounded by the policy maximum for the reason, audited, shown in the patient's access history and to IG.
     * See docs/adr/0008-writes-need-a-care-relationship.md.
     */
    private static boolean isOwnOutOfHoursEpisode(GrantAccess command) {
        Actor by = command.by();
        return by != null && by.role() == Role.OOH_CLINICIAN
                && command.reason() == GrantReason.OUT_OF_HOURS_EPISODE
                && command.grantee() != null
                && command.grantee().kind() == Grantee.Kind.ORGANISATION
                && command.grantee().id().equals(by.organisation().value());
    }

    private static void requireGrantor(Actor by, RolePolicy policy) {
        require(policy.mayGrant(by.role()), NOT_PERMITTED, by.role() + " may not grant access");
    }

    private static void requireGrantee(Grantee grantee, Registers registers) {
        Refusal.requireValue(grantee, "grantee");
        switch (grantee.kind()) {
            case USER -> require(registers.staffMemberExists(UserId.of(grantee.id())), UNKNOWN_STAFF_MEMBER,
                    "user " + grantee.id() + " is not a registered staff member");
            case TEAM -> require(registers.teamOrganisation(TeamId.of(grantee.id())).isPresent(), UNKNOWN_TEAM,
                    "team " + grantee.id() + " is not registered");
            case ORGANISATION -> require(registers.organisationType(OdsCode.of(grantee.id())).isPresent(),
                    UNKNOWN_ORGANISATION, "organisation " + grantee.id() + " is not registered");
        }
    }

    private static void requireWindow(Instant from, Instant until, Instant now, Duration maximum) {
        Refusal.requireValue(from, "valid from");
        Refusal.requireValue(until, "valid until");
        Values.instant(from, "valid from");
        Values.instant(until, "valid until");
        require(until.isAfter(from), INVALID_VALIDITY_WINDOW, "a grant must end after it starts");
        require(until.isAfter(now), INVALID_VALIDITY_WINDOW, "a grant must not end in the past");
        require(Duration.between(from, until).compareTo(maximum) <= 0, EXCEEDS_POLICY_MAXIMUM,
                "a grant of this kind lasts at most " + maximum);
    }
}
