package org.careledger.ops.bench;

import org.careledger.shared.NhsNumber;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fresh NHS numbers for a benchmark's patients: valid Modulus 11 numbers from a block of the 999 test range, continuing
 * above the highest the ledger already holds in that block, so runs against the same database never collide.
 */
final class TestRangeNumbers {

    private final long firstNineDigits;
    private final AtomicLong next;

    TestRangeNumbers(long firstNineDigits) {
        this.firstNineDigits = firstNineDigits;
        this.next = new AtomicLong(firstNineDigits);
    }

    /** Continues above the highest registered number in this block. */
    TestRangeNumbers continueAbove(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select max(nhs_number) from patient where nhs_number >= '"
                     + firstNineDigits + "0'")) {
            if (rs.next() && rs.getString(1) != null) {
                next.set(Long.parseLong(rs.getString(1).substring(0, 9)) + 1);
            }
        }
        return this;
    }

    NhsNumber next() {
        while (true) {
            long candidate = next.getAndIncrement();
            if (candidate > 999_999_999L) {
                throw new IllegalStateException("the benchmark has used up the 999 test range in this database");
            }
            String nine = Long.toString(candidate);
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null) {
                return NhsNumber.of(nine + check);
            }
        }
    }
}
