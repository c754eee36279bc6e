package org.careledger.shared;

import java.util.UUID;

/** One declared emergency ("break glass") access. */
public record EmergencyAccessId(UUID value) {
    public EmergencyAccessId {
        Refusal.requireValue(value, "emergency access id");
    }

    public static EmergencyAccessId of(String value) {
        return new EmergencyAccessId(Ids.uuid(value, "emergency access id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
