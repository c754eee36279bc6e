package org.careledger.shared;

import java.util.UUID;

/** A clinical entry; stable across its versions. */
public record EntryId(UUID value) {
    public EntryId {
        Refusal.requireValue(value, "entry id");
    }

    public static EntryId of(String value) {
        return new EntryId(Ids.uuid(value, "entry id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
