package org.careledger.shared;

import java.util.UUID;

/** A person's stable id as issued by the identity provider (staff and patients alike). */
public record UserId(UUID value) {
    public UserId {
        Refusal.requireValue(value, "user id");
    }

    public static UserId of(String value) {
        return new UserId(Ids.uuid(value, "user id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
