package org.careledger.integrity;

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

    /** Fields of one event in {@link #link(byte[], byte[][], int, long)}'s array, per event. */
    public static final int FIELDS = 8;

    private final byte[][] scratch = new byte[FIELDS][];

    /**
     * Digests the row under the cursor of a result set selecting {@link #COLUMNS}; returns its link after
     * {@code previous}. {@link #leaf()} then gives its leaf. Text columns are read as the bytes the driver received
     * (UTF-8: the driver always sets client_encoding to UTF8), never through a String.
     */
    public byte[] link(byte[] previous, ResultSet row) throws SQLException {
        readFields(row, scratch, 0);
        return link(previous, scratch, 0, row.getLong(4));
    }

    /**
     * Copies the byte fields of the row under the cursor ({@link #COLUMNS} 2, 3, 5 to 10: event id, aggregate id,
     * type, payload type, payload revision, payload, metadata, timestamp) into {@code fields[offset, offset + 8)}.
     */
    public static void readFields(ResultSet row, byte[][] fields, int offset) throws SQLException {
        fields[offset] = row.getBytes(2);
        fields[offset + 1] = row.getBytes(3);
        for (int i = 0; i < 6; i++) {
            fields[offset + 2 + i] = row.getBytes(5 + i);
        }
    }

    /**
     * The link after {@code previous} of the event whose fields {@link #readFields} put at {@code fields[offset]}
     * and whose sequence number is {@code sequence}; {@link #leaf()} then gives its leaf.
     */
    public byte[] link(byte[] previous, byte[][] fields, int offset, long sequence) {
        link.update(previous);
        leaf.update((byte) 0);
        bytes(fields[offset]);
        bytes(fields[offset + 1]);
        for (int i = 7; i >= 0; i--) {
            number[7 - i] = (byte) (sequence >>> (8 * i));
        }
        both(number, 0, 8);
        for (int i = 2; i < FIELDS; i++) {
            bytes(fields[offset + i]);
        }
        lastLeaf = leaf.digest();
        return link.digest();
    }

    /** The leaf of the row last linked. */
    public byte[] leaf() {
        return lastLeaf;
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
