package org.careledger.shared;

/**
 * Who did something: the user, the role they acted in and the organisation they worked for at that moment
 * (the ODS code of the session, as the NHS Care Identity Service gives it). A patient acting for themselves
 * has no organisation.
 */
public record Actor(UserId user, Role role, OdsCode organisation) {

    public Actor {
        Refusal.requireValue(user, "actor user");
        Refusal.requireValue(role, "actor role");
        if (role.isStaff() && organisation == null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a staff actor needs an organisation");
        }
        if (!role.isStaff() && organisation != null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a patient acts without an organisation");
        }
    }

    public static Actor staff(UserId user, Role role, OdsCode organisation) {
        return new Actor(user, role, organisation);
    }

    public static Actor patient(UserId user) {
        return new Actor(user, Role.PATIENT, null);
    }

    public void requireRole(Role required, String action) {
        if (role != required) {
            throw new Refusal(Refusal.Kind.NOT_PERMITTED, role + " may not " + action);
        }
    }
}
