package org.careledger.shared;

import java.util.UUID;

/** An access grant (including grants that unseal named entries). */
public record GrantId(UUID value) {
    public GrantId {
        Refusal.requireValue(value, "grant id");
    }

    public static GrantId of(String value) {
        return new GrantId(Ids.uuid(value, "grant id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
