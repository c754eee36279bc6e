package org.careledger.api.me;

import org.careledger.alert.AlertOutcome;
import org.careledger.audit.trail.AlertStatus;

/**
 * Where IG's case about an access the patient reported stands, in plain words (DESIGN.md: "it becomes an IG case,
 * and the outcome comes back to the patient"). Only the status and the outcome come back: IG's notes stay with IG.
 */
final class ReportedAccess {

    private static final String IG = "Our information governance team";

    private ReportedAccess() {
    }

    /** Null for an access the patient did not report. */
    static String inPlainWords(AlertStatus status, String outcome) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case OPEN -> "You reported this access. " + IG + " will look into it.";
            case UNDER_REVIEW -> "You reported this access. " + IG + " is looking into it.";
            case CLOSED -> closed(outcome);
        };
    }

    private static String closed(String outcome) {
        AlertOutcome known = outcome == null ? null : AlertOutcome.valueOf(outcome);
        String words = known == null ? "has closed your report." : switch (known) {
            case NO_CONCERN -> "looked into your report and found no cause for concern.";
            case APPROPRIATE_ACCESS_CONFIRMED -> "looked into your report and confirmed that this access was part of "
                    + "your care.";
            case INAPPROPRIATE_ACCESS -> "looked into your report and found that this access should not have "
                    + "happened. Action has been taken.";
            case REFERRED_FOR_INVESTIGATION -> "looked into your report and has referred it for a formal "
                    + "investigation.";
        };
        return IG + " " + words;
    }
}
