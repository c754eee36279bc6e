package org.careledger.shared;

import java.util.UUID;

/** A team within an organisation (a district nursing team, a social care locality team, ...). */
public record TeamId(UUID value) {
    public TeamId {
        Refusal.requireValue(value, "team id");
    }

    public static TeamId of(String value) {
        return new TeamId(Ids.uuid(value, "team id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
