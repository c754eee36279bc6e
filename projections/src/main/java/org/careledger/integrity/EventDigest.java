package org.careledger.integrity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The hashes of one stored event (ADR 21), over its canonical bytes: the columns of its {@code domain_event_entry}
 * row in this order, each as a 4-byte big-endian length (-1 for NULL) and its bytes (text as UTF-8), except the
 * sequence number, which is 8 bytes big-endian:
 * {@code event_identifier, aggregate_identifier, sequence_number, type, payload_type, payload_revision, payload,
 * meta_data, time_stamp}.
 * <ul>
 *     <li>link: {@code SHA-256(previous link || canonical bytes)}, 32 zero bytes before the first event;</li>
 *     <li>leaf: {@code SHA-256(0x00 || canonical bytes)}, the event's leaf in the checkpoints' Merkle trees.</li>
 * </ul>
 * Not thread-safe: one instance per chainer or verifier.
 */
public final class EventDigest {

    public static final int SIZE = 32;
    public static final byte[] GENESIS = new byte[SIZE];

    /** The columns read, in canonical order (a SELECT list for both the chainer and the verifier). */
    public static final String COLUMNS = "global_index, event_identifier, aggregate_identifier, sequence_number, type, "
            + "payload_type, payload_revision, payload, meta_data, time_stamp";

    private final MessageDigest link = sha256();
    private final MessageDigest leaf = sha256();
    private final byte[] number = new byte[8];
    private byte[] lastLeaf;

    /**
     * Digests the row under the cursor of a result set selecting {@link #COLUMNS}; returns its link after
     * {@code previous}. {@link #leaf()} then gives its leaf.
     */
    public byte[] link(byte[] previous, ResultSet row) throws SQLException {
        link.update(previous);
        leaf.update((byte) 0);
        text(row.getString(2));
        text(row.getString(3));
        long sequence = row.getLong(4);
        for (int i = 7; i >= 0; i--) {
            number[7 - i] = (byte) (sequence >>> (8 * i));
        }
        both(number, 0, 8);
        text(row.getString(5));
        text(row.getString(6));
        text(row.getString(7));
        bytes(row.getBytes(8));
        bytes(row.getBytes(9));
        text(row.getString(10));
        lastLeaf = leaf.digest();
        return link.digest();
    }

    /** The leaf of the row last linked. */
    public byte[] leaf() {
        return lastLeaf;
    }

    private void text(String value) {
        bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(byte[] value) {
        int length = value == null ? -1 : value.length;
        number[0] = (byte) (length >>> 24);
        number[1] = (byte) (length >>> 16);
        number[2] = (byte) (length >>> 8);
        number[3] = (byte) length;
        both(number, 0, 4);
        if (value != null) {
            both(value, 0, value.length);
        }
    }

    private void both(byte[] data, int offset, int length) {
        link.update(data, offset, length);
        leaf.update(data, offset, length);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
