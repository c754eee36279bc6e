package org.careledger.integrity;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Merkle tree of RFC 6962: the streaming root equals the recursive one, and every audit path leads to it. (A path
 * does not bind the tree's size by itself, which is why the checkpoint signs the size with the root.)
 */
class MerkleTreeTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var d = EventDigest.sha256();
            d.update((byte) 0);
            d.update(("event " + i).getBytes(StandardCharsets.UTF_8));
            leaves.add(d.digest());
        }
        return leaves;
    }

    @Test
    void theFrontierGivesTheRootOfEveryPrefix() {
        List<byte[]> leaves = leaves(70);
        MerkleTree.Frontier frontier = new MerkleTree.Frontier();
        for (int n = 1; n <= leaves.size(); n++) {
            frontier.add(leaves.get(n - 1));
            assertThat(frontier.root()).as("size %d", n).isEqualTo(MerkleTree.root(leaves, 0, n));
        }
    }

    @Test
    void aTreeOfThreeIsHashedAsTheRfcSays() {
        List<byte[]> l = leaves(3);
        byte[] expected = MerkleTree.node(MerkleTree.node(l.get(0), l.get(1)), l.get(2));
        assertThat(MerkleTree.root(l, 0, 3)).isEqualTo(expected);
        // RFC 6962: the empty tree's hash is SHA-256 of the empty string
        assertThat(HexFormat.of().formatHex(MerkleTree.root(l, 0, 0)))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void everyLeafsPathLeadsToTheRootAndNoWhereElse() {
        List<byte[]> leaves = leaves(33);
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = MerkleTree.root(leaves, 0, size);
            for (int m = 0; m < size; m++) {
                List<byte[]> path = MerkleTree.path(leaves, m, size);
                assertThat(MerkleTree.rootFromPath(m, size, leaves.get(m), path)).as("leaf %d of %d", m, size)
                        .hasValueSatisfying(r -> assertThat(r).isEqualTo(root));
                // another leaf, another position or another size does not lead to this root
                int other = (m + 1) % size;
                if (other != m) {
                    assertThat(MerkleTree.rootFromPath(m, size, leaves.get(other), path).map(r -> java.util.Arrays.equals(r, root)))
                            .isNotEqualTo(Optional.of(true));
                    assertThat(MerkleTree.rootFromPath(other, size, leaves.get(m), path).map(r -> java.util.Arrays.equals(r, root)))
                            .isNotEqualTo(Optional.of(true));
                }
            }
        }
    }
}
