package org.careledger.storage;

import org.careledger.shared.NhsNumber;

import java.util.concurrent.atomic.AtomicLong;

/** Synthetic identifiers in the NHS test range only. */
public final class TestData {

    private static final AtomicLong NEXT = new AtomicLong(999_000_000L + Math.floorMod(System.nanoTime(), 900_000L));

    private TestData() {
    }

    /** A fresh valid NHS number from the 999 000 0000 – 999 999 9999 test range. */
    public static NhsNumber nhsNumber() {
        while (true) {
            String nine = Long.toString(NEXT.getAndIncrement());
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null) {
                return NhsNumber.of(nine + check);
            }
        }
    }
}
