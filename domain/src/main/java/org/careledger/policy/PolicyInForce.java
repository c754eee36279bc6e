package org.careledger.policy;

/**
 * The role policy in force now. Command handlers ask for it on every command, so activating a new version
 * ({@link PolicyVersionActivated}) changes what may be written from the next command on.
 */
@FunctionalInterface
public interface PolicyInForce {

    RolePolicy current();

    /** Always the same policy: for tests and tools. */
    static PolicyInForce fixed(RolePolicy policy) {
        return () -> policy;
    }
}
