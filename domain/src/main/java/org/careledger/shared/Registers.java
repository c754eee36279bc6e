package org.careledger.shared;

import java.util.Optional;

/**
 * What a command handler may look up outside its own aggregate: the registers of organisations, teams, staff and
 * patients. The storage module keeps them in PostgreSQL, written in the same transaction as the events that
 * change them, so a command never sees a register older than the ledger.
 */
public interface Registers {

    Optional<OrganisationType> organisationType(OdsCode organisation);

    /** The organisation a team belongs to, if the team exists. */
    Optional<OdsCode> teamOrganisation(TeamId team);

    boolean staffMemberExists(UserId user);

    boolean patientRegistered(NhsNumber patient);
}
