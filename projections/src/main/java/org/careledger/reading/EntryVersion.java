package org.careledger.reading;

import org.careledger.record.EntryContent;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/**
 * One change in an entry's history: a version (RECORDED, AMENDED: with content), or a marker (ENTERED_IN_ERROR,
 * SENSITIVITY_CHANGED: with the version it applied to and, for sensitivity, the new one).
 */
public record EntryVersion(EntryId entry, int seq, Change change, int version, EntryContent content,
                           Sensitivity sensitivity, Actor by, Instant at, String reason) {

    public enum Change {
        RECORDED,
        AMENDED,
        ENTERED_IN_ERROR,
        SENSITIVITY_CHANGED
    }

    public boolean isVersion() {
        return change == Change.RECORDED || change == Change.AMENDED;
    }
}
