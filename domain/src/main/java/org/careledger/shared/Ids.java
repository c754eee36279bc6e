package org.careledger.shared;

import java.util.UUID;

final class Ids {
    private Ids() {
    }

    static UUID uuid(String value, String what) {
        try {
            return UUID.fromString(Refusal.requireValue(value, what));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, what + " is not a UUID");
        }
    }
}
