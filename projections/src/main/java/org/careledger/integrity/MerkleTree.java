package org.careledger.integrity;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merkle trees as RFC 6962 / RFC 9162 define them (the Certificate Transparency tree): leaves are
 * {@code SHA-256(0x00 || data)} ({@link EventDigest#leaf()}), an inner node is {@code SHA-256(0x01 || left || right)},
 * and a tree of n leaves splits at the largest power of two below n. Pure functions, plus {@link Frontier}, which
 * gives the root of every prefix of a stream of leaves in O(log n) memory (the verifier's way through the ledger).
 */
public final class MerkleTree {

    private MerkleTree() {
    }

    /** The root over {@code leaves[from, to)}; the empty tree's root is SHA-256 of nothing. */
    public static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return EventDigest.sha256().digest();
        }
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return node(root(leaves, from, from + k), root(leaves, from + k, to));
    }

    /** The audit path of leaf {@code m} in the tree over {@code leaves[0, size)}, bottom up (RFC 6962 PATH). */
    public static List<byte[]> path(List<byte[]> leaves, int m, int size) {
        if (m < 0 || m >= size || size > leaves.size()) {
            throw new IllegalArgumentException("leaf " + m + " is not in a tree of " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(leaves, m, 0, size, path);
        return path;
    }

    private static void path(List<byte[]> leaves, int m, int from, int to, List<byte[]> path) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(leaves, m, from, from + k, path);
            path.add(root(leaves, from + k, to));
        } else {
            path(leaves, m - k, from + k, to, path);
            path.add(root(leaves, from, from + k));
        }
    }

    /**
     * The root that an audit path leads to from leaf {@code leafHash} at index {@code m} of a tree of {@code size}
     * leaves (RFC 9162 section 2.1.3.2); empty when the path cannot belong to such a tree.
     */
    public static java.util.Optional<byte[]> rootFromPath(long m, long size, byte[] leafHash, List<byte[]> path) {
        if (m < 0 || m >= size) {
            return java.util.Optional.empty();
        }
        long fn = m;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return java.util.Optional.empty();
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? java.util.Optional.of(r) : java.util.Optional.empty();
    }

    public static byte[] node(byte[] left, byte[] right) {
        return node(EventDigest.sha256(), left, right);
    }

    private static byte[] node(MessageDigest d, byte[] left, byte[] right) {
        d.update((byte) 1);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /** The perfect subtrees of a growing tree: {@link #add} a leaf, {@link #root} of all leaves added so far. */
    public static final class Frontier {
        private final MessageDigest digest = EventDigest.sha256();
        private final List<byte[]> hashes = new ArrayList<>();
        private final List<Integer> heights = new ArrayList<>();
        private long size;

        public void add(byte[] leaf) {
            byte[] h = leaf;
            int height = 0;
            while (!heights.isEmpty() && heights.get(heights.size() - 1) == height) {
                h = node(digest, hashes.remove(hashes.size() - 1), h);
                heights.remove(heights.size() - 1);
                height++;
            }
            hashes.add(h);
            heights.add(height);
            size++;
        }

        public long size() {
            return size;
        }

        public byte[] root() {
            if (hashes.isEmpty()) {
                return EventDigest.sha256().digest();
            }
            byte[] r = hashes.get(hashes.size() - 1);
            for (int i = hashes.size() - 2; i >= 0; i--) {
                r = node(digest, hashes.get(i), r);
            }
            return Arrays.copyOf(r, r.length);
        }
    }
}
