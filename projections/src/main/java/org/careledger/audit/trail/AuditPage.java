package org.careledger.audit.trail;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.Instant;
import java.util.List;

/**
 * One page of an audit answer, in trail order (time, then the ledger's global index). {@code next} is the keyset
 * cursor of the following page, null on the last page.
 */
public record AuditPage<T>(List<T> items, Cursor next) {

    public static final int MAX_SIZE = 200;

    public AuditPage {
        items = List.copyOf(items);
    }

    /** The position after the last row of a page: its time and global index. */
    public record Cursor(Instant at, long globalIndex) {
        public String encode() {
            return at.getEpochSecond() + "." + at.getNano() + ":" + globalIndex;
        }

        public static Cursor decode(String token) {
            try {
                String[] parts = token.split("[.:]");
                Instant at = Values.instant(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        "page cursor");
                return new Cursor(at, Long.parseLong(parts[2]));
            } catch (RuntimeException e) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "not a page cursor");
            }
        }
    }

    /** Which page: after a cursor (null for the first), at most {@code size} rows (1 to {@value #MAX_SIZE}). */
    public record Request(Cursor after, int size) {
        public Request {
            if (size < 1 || size > MAX_SIZE) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "a page holds 1 to " + MAX_SIZE + " rows");
            }
        }

        public static Request first(int size) {
            return new Request(null, size);
        }
    }
}
