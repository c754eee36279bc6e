package org.careledger.audit.trail;

import org.careledger.audit.DisclosedEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The entries a read disclosed, as the two parallel arrays stored on its audit_event row (ADR 32): entries in
 * PostgreSQL's uuid order (bytewise, so unsigned, unlike {@link UUID#compareTo}) with each entry once, and their
 * versions in the same order. Canonical, so that a generation rebuilt from the ledger equals the one written live,
 * and equals the rows V83 moved from access_disclosure ({@code array_agg(... ORDER BY entry_id)}).
 */
record Disclosures(UUID[] entries, Integer[] versions) {

    /** PostgreSQL's uuid comparison: the 16 bytes compared unsigned, most significant first. */
    static final Comparator<UUID> DATABASE_ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    /** Null when nothing was disclosed (no arrays on the row, as for the reads before V83 that disclosed nothing). */
    static Disclosures of(List<DisclosedEntry> disclosed) {
        if (disclosed == null || disclosed.isEmpty()) {
            return null;
        }
        List<DisclosedEntry> sorted = new ArrayList<>(disclosed);
        sorted.sort(Comparator.comparing(d -> d.entry().value(), DATABASE_ORDER)); // stable: the first of a repeat
        List<UUID> entries = new ArrayList<>(sorted.size());
        List<Integer> versions = new ArrayList<>(sorted.size());
        for (DisclosedEntry d : sorted) {
            UUID entry = d.entry().value();
            if (!entries.isEmpty() && entries.get(entries.size() - 1).equals(entry)) {
                continue;
            }
            entries.add(entry);
            versions.add(d.version());
        }
        return new Disclosures(entries.toArray(UUID[]::new), versions.toArray(Integer[]::new));
    }

    /**
     * The SQL of the read's disclosed sections, from the trail's own entry facts in {@code schema}: distinct, in "C"
     * order, unknown entries left out. Its one parameter is the entries array.
     */
    static String sectionsSql(String schema) {
        return """
                ARRAY(SELECT DISTINCT ae.section::text COLLATE "C" FROM %s.audit_entry ae
                       WHERE ae.entry_id = ANY (?::uuid[]) ORDER BY 1)""".formatted(schema);
    }
}
