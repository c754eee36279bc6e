package org.careledger.storage;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.axonframework.common.IdentifierFactory;

/**
 * Axon's message identifiers as time-ordered UUIDs (RFC 9562 version 7), ADR 40.
 *
 * <p>Every event's identifier is a key in the ledger and in the tables written with it:
 * {@code domain_event_entry.event_identifier} (unique), {@code view_entry_history} and the audit trail's
 * {@code audit_event} (primary keys). Axon's default, {@code UUID.randomUUID()}, puts each new key on a random
 * leaf page of those indexes, and every caller in the JVM takes the one lock of the shared {@code SecureRandom}
 * (which also mixes each draw through SHA-1). A version-7 UUID starts with the Unix time in milliseconds, so new
 * keys land on the right-hand edge of each index; the other 74 bits are random from a generator of the calling
 * thread's own, seeded once from {@link SecureRandom}.
 *
 * <p>Uniqueness does not depend on the clock: two identifiers made in the same millisecond differ in 74 random
 * bits, and a clock set back only costs locality. The database's unique constraints refuse a duplicate if one ever
 * came (the append fails; nothing is overwritten). Registered for Axon's {@link IdentifierFactory#getInstance()}
 * by {@code META-INF/services/org.axonframework.common.IdentifierFactory}.
 */
public final class TimeOrderedIdentifierFactory extends IdentifierFactory {

    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(seed()));

    private static final TimeOrderedIdentifierFactory SYSTEM_CLOCK = new TimeOrderedIdentifierFactory();

    private final LongSupplier clock;

    /**
     * A new version-7 UUID: for the identifiers the server makes itself (a new entry, grant or emergency access),
     * whose view and audit indexes gain the same locality as the events'.
     */
    public static UUID timeOrdered() {
        return SYSTEM_CLOCK.next();
    }

    /** The instance Axon's service loader makes: the system clock. */
    public TimeOrderedIdentifierFactory() {
        this(System::currentTimeMillis);
    }

    TimeOrderedIdentifierFactory(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public String generateIdentifier() {
        return next().toString();
    }

    /** A new version-7 UUID for the current millisecond. */
    public UUID next() {
        return of(clock.getAsLong(), RANDOM.get());
    }

    static UUID of(long epochMillis, SplittableRandom random) {
        long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The milliseconds since the Unix epoch a version-7 UUID carries. */
    static long epochMillis(UUID uuid) {
        if (uuid.version() != 7) {
            throw new IllegalArgumentException("not a version-7 UUID: version " + uuid.version());
        }
        return uuid.getMostSignificantBits() >>> 16;
    }

    private static long seed() {
        return SEEDS.nextLong();
    }
}
