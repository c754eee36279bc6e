package org.careledger.bulk;

import org.careledger.access.AccessGrantRevoked;
import org.careledger.access.AccessGranted;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.PatientSharingState;
import org.careledger.access.SealedEntryAccessGranted;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A patient's {@link PatientSharingState} folded from their own events, for the bulk write path: a patient written
 * in bulk is new, so their events so far in the batch are everything that decides a basis for them. It keeps what
 * the {@code views} projection keeps (the latest consent per organisation and direction, a revocation's first time)
 * and is checked against {@code SharingStates.load} after a bulk write by the tests.
 */
final class SharingStateFold {

    private final NhsNumber patient;
    private OdsCode practice;
    private String registrationEvent;
    private final Map<List<Object>, PatientSharingState.Consent> consents = new LinkedHashMap<>();
    private PatientSharingState.Dissent dissent = PatientSharingState.Dissent.NONE;
    private final Map<GrantId, PatientSharingState.Grant> grants = new LinkedHashMap<>();
    private final Map<GrantId, PatientSharingState.SealedGrant> sealed = new LinkedHashMap<>();
    private final List<PatientSharingState.Emergency> emergencies = new ArrayList<>();

    SharingStateFold(NhsNumber patient) {
        this.patient = patient;
    }

    boolean registered() {
        return practice != null;
    }

    void apply(Object event, String eventId) {
        if (event instanceof PatientRegistered e) {
            practice = e.registeredPractice();
            registrationEvent = eventId;
        } else if (event instanceof RegistrationTransferred e) {
            practice = e.toPractice();
            registrationEvent = eventId;
        } else if (event instanceof ConsentDecisionRecorded e) {
            consents.put(List.of(e.organisation(), e.direction()),
                    new PatientSharingState.Consent(e.organisation(), e.direction(), e.decision(), eventId));
        } else if (event instanceof DissentRecorded) {
            dissent = new PatientSharingState.Dissent(true, eventId);
        } else if (event instanceof DissentWithdrawn) {
            dissent = new PatientSharingState.Dissent(false, eventId);
        } else if (event instanceof AccessGranted e) {
            grants.putIfAbsent(e.grant(), new PatientSharingState.Grant(e.grant(), e.grantee(), e.reason(), e.scope(),
                    e.validFrom(), e.validUntil(), null, eventId));
        } else if (event instanceof SealedEntryAccessGranted e) {
            sealed.putIfAbsent(e.grant(), new PatientSharingState.SealedGrant(e.grant(), e.grantee(),
                    new HashSet<>(e.entries()), e.validFrom(), e.validUntil(), null, eventId));
        } else if (event instanceof AccessGrantRevoked e) {
            // a revocation keeps its first time, as the view does
            grants.computeIfPresent(e.grant(), (id, g) -> g.revokedAt() != null ? g
                    : new PatientSharingState.Grant(g.grant(), g.grantee(), g.reason(), g.scope(), g.validFrom(),
                    g.validUntil(), e.at(), g.event()));
            sealed.computeIfPresent(e.grant(), (id, g) -> g.revokedAt() != null ? g
                    : new PatientSharingState.SealedGrant(g.grant(), g.grantee(), g.entries(), g.validFrom(),
                    g.validUntil(), e.at(), g.event()));
        } else if (event instanceof EmergencyAccessDeclared e) {
            emergencies.add(new PatientSharingState.Emergency(e.emergency(), e.by().user(), e.at(), e.validUntil(),
                    eventId));
        }
        // entries, demographics and the rest decide no basis
    }

    PatientSharingState state() {
        return new PatientSharingState(patient, practice, registrationEvent, List.copyOf(consents.values()), dissent,
                List.copyOf(grants.values()), List.copyOf(sealed.values()), emergencies);
    }

}
