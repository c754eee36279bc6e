package org.careledger.record;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.CareRelationships;
import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Registers;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.careledger.shared.Refusal.Kind.ALREADY_EXISTS;
import static org.careledger.shared.Refusal.Kind.CONFLICTING_STATE;
import static org.careledger.shared.Refusal.Kind.ENTRY_ENTERED_IN_ERROR;
import static org.careledger.shared.Refusal.Kind.INVALID_CLINICAL_CODE;
import static org.careledger.shared.Refusal.Kind.INVALID_INPUT;
import static org.careledger.shared.Refusal.Kind.NOT_AUTHORING_ORGANISATION;
import static org.careledger.shared.Refusal.Kind.NOT_PERMITTED;
import static org.careledger.shared.Refusal.Kind.SECTION_NOT_WRITABLE;
import static org.careledger.shared.Refusal.Kind.STALE_VERSION;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ENTRY;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_ORGANISATION;
import static org.careledger.shared.Refusal.Kind.UNKNOWN_PATIENT;
import static org.careledger.shared.Refusal.require;

/**
 * One patient's record for life: registration, demographics and every clinical entry with its versions.
 * It guards what may be written; who may read is decided elsewhere, from the projections. Every change to a
 * registered record needs the writer to stand in a care relationship with the patient now (a REGISTERED, GRANT or
 * EMERGENCY basis, through {@link CareRelationships}), checked first so that an unrelated writer learns nothing
 * more than of an unknown patient; registering and transferring a registration are the practices' own acts.
 * A record can grow to
 * thousands of events, so it is snapshotted (see docs/adr/0002-aggregate-boundaries.md).
 */
public class PatientRecord {

    @AggregateIdentifier
    private NhsNumber patient;
    private OdsCode registeredPractice;
    private Map<UUID, EntryState> entries = new HashMap<>();

    /** What the record needs to know of an entry to guard its changes. */
    record EntryState(Section section, int version, boolean enteredInError, Sensitivity sensitivity,
                      OdsCode authoringOrganisation) {
    }

    protected PatientRecord() {
        // for Axon: loaded from events or created on the first command
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RegisterPatient command, PolicyInForce inForce, Registers registers) {
        RolePolicy policy = inForce.current();
        require(patient == null, ALREADY_EXISTS, "patient already registered");
        Refusal.requireValue(command.demographics(), "demographics");
        requirePractice(command.registeredPractice(), registers);
        Actor by = command.by();
        require(policy.mayWrite(by.role(), Section.DEMOGRAPHICS), SECTION_NOT_WRITABLE,
                by.role() + " may not register patients");
        require(command.registeredPractice().equals(by.organisation()), NOT_PERMITTED,
                "a patient is registered by their registered practice");
        apply(new PatientRegistered(command.patient(), command.demographics(), command.registeredPractice(),
                by, command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(UpdateDemographics command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        requireRelated(command.by(), command.at(), relationships);
        Refusal.requireValue(command.demographics(), "demographics");
        requireWritable(policy, command.by(), Section.DEMOGRAPHICS);
        apply(new DemographicsUpdated(patient, command.demographics(), command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(TransferRegistration command, PolicyInForce inForce, Registers registers) {
        RolePolicy policy = inForce.current();
        // Who may transfer is checked before anything about the patient: someone who may not learns nothing (ADR 14).
        Actor by = command.by();
        Refusal.requireValue(by, "actor");
        Refusal.requireValue(command.toPractice(), "receiving practice");
        require(command.toPractice().equals(by.organisation()), NOT_PERMITTED,
                "a registration is transferred by the receiving practice");
        require(policy.mayWrite(by.role(), Section.DEMOGRAPHICS), NOT_PERMITTED,
                by.role() + " may not register patients");
        OrganisationType type = registers.organisationType(command.toPractice())
                .orElseThrow(() -> Refusal.of(UNKNOWN_ORGANISATION, "organisation " + command.toPractice()
                        + " is not registered"));
        require(type == OrganisationType.GP_PRACTICE, NOT_PERMITTED,
                "organisation " + command.toPractice() + " is not a GP practice");
        requireRegistered();
        require(!command.toPractice().equals(registeredPractice), CONFLICTING_STATE,
                "patient is already registered at that practice");
        apply(new RegistrationTransferred(patient, registeredPractice, command.toPractice(), by, command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordEntry command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        requireRelated(command.by(), command.at(), relationships);
        Refusal.requireValue(command.entry(), "entry id");
        Refusal.requireValue(command.section(), "section");
        Refusal.requireValue(command.content(), "content");
        Refusal.requireValue(command.sensitivity(), "sensitivity");
        require(!entries.containsKey(command.entry().value()), ALREADY_EXISTS, "entry " + command.entry() + " exists");
        requireWritable(policy, command.by(), command.section());
        requireCodedAsSectionNeeds(command.section(), command.content());
        apply(new EntryRecorded(patient, command.entry(), command.section(), command.content(), command.sensitivity(),
                command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(AmendEntry command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        EntryState entry = changeableEntry(command.entry(), command.expectedVersion(), command.by(), command.at(), policy,
                relationships);
        Refusal.requireValue(command.content(), "content");
        String reason = Refusal.requireReason(command.reason(), "an amendment");
        requireCodedAsSectionNeeds(entry.section(), command.content());
        apply(new EntryAmended(patient, command.entry(), entry.version() + 1, command.content(), reason,
                command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(MarkEntryEnteredInError command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        changeableEntry(command.entry(), command.expectedVersion(), command.by(), command.at(), policy,
                relationships);
        String reason = Refusal.requireReason(command.reason(), "marking an entry entered in error");
        apply(new EntryMarkedEnteredInError(patient, command.entry(), reason, command.by(), command.at()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ChangeEntrySensitivity command, PolicyInForce inForce, CareRelationships relationships) {
        RolePolicy policy = inForce.current();
        EntryState entry = changeableEntry(command.entry(), command.expectedVersion(), command.by(), command.at(), policy,
                relationships);
        Refusal.requireValue(command.sensitivity(), "sensitivity");
        String reason = Refusal.requireReason(command.reason(), "a sensitivity change");
        if (entry.sensitivity() == command.sensitivity()) {
            return; // already so: a retried request records nothing twice
        }
        apply(new EntrySensitivityChanged(patient, command.entry(), entry.sensitivity(), command.sensitivity(), reason,
                command.by(), command.at()));
    }

    @EventSourcingHandler
    void on(PatientRegistered event) {
        patient = event.patient();
        registeredPractice = event.registeredPractice();
    }

    @EventSourcingHandler
    void on(RegistrationTransferred event) {
        registeredPractice = event.toPractice();
    }

    @EventSourcingHandler
    void on(EntryRecorded event) {
        entries.put(event.entry().value(), new EntryState(event.section(), 1, false, event.sensitivity(),
                event.by().organisation()));
    }

    @EventSourcingHandler
    void on(EntryAmended event) {
        entries.computeIfPresent(event.entry().value(), (id, e) ->
                new EntryState(e.section(), event.version(), false, e.sensitivity(), e.authoringOrganisation()));
    }

    @EventSourcingHandler
    void on(EntryMarkedEnteredInError event) {
        entries.computeIfPresent(event.entry().value(), (id, e) ->
                new EntryState(e.section(), e.version(), true, e.sensitivity(), e.authoringOrganisation()));
    }

    @EventSourcingHandler
    void on(EntrySensitivityChanged event) {
        entries.computeIfPresent(event.entry().value(), (id, e) ->
                new EntryState(e.section(), e.version(), e.enteredInError(), event.to(), e.authoringOrganisation()));
    }

    private void requireRegistered() {
        require(patient != null, UNKNOWN_PATIENT, "patient not registered");
    }

    /** The patient is registered and the writer holds a basis for them now (any of REGISTERED, GRANT, EMERGENCY). */
    private void requireRelated(Actor by, Instant at, CareRelationships relationships) {
        requireRegistered();
        Refusal.requireValue(by, "actor");
        relationships.require(by, patient, at, ANY_BASIS);
    }

    private static final Set<Basis> ANY_BASIS = EnumSet.of(Basis.REGISTERED, Basis.GRANT, Basis.EMERGENCY);

    private static void requirePractice(OdsCode practice, Registers registers) {
        Refusal.requireValue(practice, "registered practice");
        OrganisationType type = registers.organisationType(practice)
                .orElseThrow(() -> Refusal.of(UNKNOWN_ORGANISATION, "organisation " + practice + " is not registered"));
        require(type == OrganisationType.GP_PRACTICE, INVALID_INPUT, "organisation " + practice + " is not a GP practice");
    }

    private static void requireWritable(RolePolicy policy, Actor by, Section section) {
        require(policy.mayWrite(by.role(), section), SECTION_NOT_WRITABLE, by.role() + " may not write " + section);
    }

    private EntryState changeableEntry(EntryId entryId, Integer expectedVersion, Actor by, Instant at,
                                       RolePolicy policy, CareRelationships relationships) {
        requireRelated(by, at, relationships);
        UUID id = Refusal.requireValue(entryId, "entry id").value();
        EntryState entry = entries.get(id);
        require(entry != null, UNKNOWN_ENTRY, "entry " + id + " is not in this record");
        require(!entry.enteredInError(), ENTRY_ENTERED_IN_ERROR, "entry " + id + " is marked entered in error");
        require(expectedVersion == null || expectedVersion == entry.version(), STALE_VERSION,
                "entry " + id + " is at version " + entry.version() + ", not " + expectedVersion);
        requireWritable(policy, by, entry.section());
        require(entry.authoringOrganisation().equals(by.organisation()), NOT_AUTHORING_ORGANISATION,
                "entry " + id + " can only be changed at the organisation that authored it");
        return entry;
    }

    private static void requireCodedAsSectionNeeds(Section section, EntryContent content) {
        if (section.requiresCode()) {
            // a migrated entry coded only in a system the ledger does not code in (LOINC, RxNorm, CVX...) is coded too
            require(content.hasCode(), INVALID_CLINICAL_CODE, section + " entries need a clinical code");
        }
        if (content.code() != null) {
            ClinicalCode.CodeSystem expected = section == Section.MEDICATIONS
                    ? ClinicalCode.CodeSystem.DMD : ClinicalCode.CodeSystem.SNOMED_CT;
            require(content.code().system() == expected, INVALID_CLINICAL_CODE,
                    section + " entries are coded in " + expected);
        }
    }
}
