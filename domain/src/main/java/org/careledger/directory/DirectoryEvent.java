package org.careledger.directory;

import org.careledger.shared.LedgerEvent;

/** An event of the region's directory of organisations, teams and staff. */
public sealed interface DirectoryEvent extends LedgerEvent
        permits OrganisationRegistered, TeamFormed, StaffMemberRegistered, RoleAssigned, RoleAssignmentEnded,
        TeamJoined, TeamLeft {
}
