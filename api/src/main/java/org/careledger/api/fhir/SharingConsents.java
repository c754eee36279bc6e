package org.careledger.api.fhir;

import org.careledger.access.PatientSharingState;
import org.careledger.shared.ConsentDecision;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.consent.PatientConsentEvent;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A patient's consent to share as the Consent export needs it: the latest decision per organisation and
 * direction and the dissent, each with how, by whom and when it was recorded and the ledger event that recorded
 * it. UNKNOWN (never asked) is the absence of a decision and is not listed.
 * <p>
 * Two sources: the patient's consent stream in the ledger ({@link #fromLedger}: complete), or the sharing state
 * of the views ({@link #fromSharingState}: the decisions and event ids only, since view_consent keeps no method,
 * recorder or time; those fields are then null and the Consent resources omit them).
 */
public record SharingConsents(NhsNumber patient, List<Decision> decisions, Dissent dissent) {

    public SharingConsents {
        Refusal.requireValue(patient, "patient");
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }

    /** The latest decision for one organisation and direction. */
    public record Decision(OdsCode organisation, ConsentDirection direction, ConsentDecision decision,
                           ConsentMethod method, Actor by, Instant at, String event) {
    }

    /** The latest dissent change: in force (recorded) or withdrawn. */
    public record Dissent(boolean inForce, ConsentMethod method, Actor by, Instant at, String event) {
    }

    /** One event of the patient's consent stream with its ledger event id. */
    public record Recorded(String eventId, PatientConsentEvent event) {
    }

    /** Folds the patient's consent stream (in stream order): the latest decision per organisation and direction. */
    public static SharingConsents fromLedger(NhsNumber patient, List<Recorded> stream) {
        Map<String, Decision> latest = new LinkedHashMap<>();
        Dissent dissent = null;
        for (Recorded r : stream) {
            if (r.event() instanceof ConsentDecisionRecorded d) {
                latest.put(d.organisation().value() + "/" + d.direction(), new Decision(d.organisation(),
                        d.direction(), d.decision(), d.method(), d.by(), d.at(), r.eventId()));
            } else if (r.event() instanceof DissentRecorded d) {
                dissent = new Dissent(true, d.method(), d.by(), d.at(), r.eventId());
            } else if (r.event() instanceof DissentWithdrawn d) {
                dissent = new Dissent(false, d.method(), d.by(), d.at(), r.eventId());
            }
        }
        return new SharingConsents(patient, new ArrayList<>(latest.values()), dissent);
    }

    /** From the views' sharing state: decisions and their events, without method, recorder or time. */
    public static SharingConsents fromSharingState(PatientSharingState state) {
        List<Decision> decisions = state.consents().stream()
                .map(c -> new Decision(c.organisation(), c.direction(), c.decision(), null, null, null, c.event()))
                .toList();
        Dissent dissent = state.dissent() == null || state.dissent().event() == null ? null
                : new Dissent(state.dissent().inForce(), null, null, null, state.dissent().event());
        return new SharingConsents(state.patient(), decisions, dissent);
    }
}
