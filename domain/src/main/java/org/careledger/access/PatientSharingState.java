package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything about one patient that decides who may read what, as projected from the ledger: registration, the
 * latest consent decision per organisation and direction, dissent, grants, sealed-entry grants and emergencies.
 * Each fact carries the id of the event that established it, so a decision can name its receipts.
 */
public record PatientSharingState(NhsNumber patient, OdsCode registeredPractice, String registrationEvent,
                                  List<Consent> consents, Dissent dissent, List<Grant> grants,
                                  List<SealedGrant> sealedGrants, List<Emergency> emergencies) {

    public PatientSharingState {
        Refusal.requireValue(patient, "patient");
        consents = consents == null ? List.of() : List.copyOf(consents);
        grants = grants == null ? List.of() : List.copyOf(grants);
        sealedGrants = sealedGrants == null ? List.of() : List.copyOf(sealedGrants);
        emergencies = emergencies == null ? List.of() : List.copyOf(emergencies);
    }

    /** The latest decision of the patient for one organisation and direction. */
    public record Consent(OdsCode organisation, ConsentDirection direction, ConsentDecision decision, String event) {
    }

    /** Dissent from sharing, when in force, and the event that recorded it. */
    public record Dissent(boolean inForce, String event) {
        public static final Dissent NONE = new Dissent(false, null);
    }

    public record Grant(GrantId grant, Grantee grantee, GrantReason reason, GrantScope scope, Instant validFrom,
                        Instant validUntil, Instant revokedAt, String event) {
        boolean activeAt(Instant now) {
            return Window.active(validFrom, validUntil, revokedAt, now);
        }
    }

    public record SealedGrant(GrantId grant, Grantee grantee, Set<EntryId> entries, Instant validFrom,
                              Instant validUntil, Instant revokedAt, String event) {
        public SealedGrant {
            entries = Set.copyOf(entries);
        }

        boolean activeAt(Instant now) {
            return Window.active(validFrom, validUntil, revokedAt, now);
        }
    }

    public record Emergency(EmergencyAccessId emergency, UserId user, Instant declaredAt, Instant validUntil,
                            String event) {
        boolean activeAt(Instant now) {
            return Window.active(declaredAt, validUntil, null, now);
        }
    }

    private static final class Window {
        static boolean active(Instant from, Instant until, Instant revokedAt, Instant now) {
            return !now.isBefore(from) && now.isBefore(until) && (revokedAt == null || now.isBefore(revokedAt));
        }
    }
}
