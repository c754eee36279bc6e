package org.careledger.shared;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A test double of the {@link Registers} port: the registers a test sets up, nothing else. */
public final class InMemoryRegisters implements Registers {

    private final Map<OdsCode, OrganisationType> organisations = new HashMap<>();
    private final Map<TeamId, OdsCode> teams = new HashMap<>();
    private final Set<UserId> staff = new HashSet<>();
    private final Set<NhsNumber> patients = new HashSet<>();

    private InMemoryRegisters() {
    }

    public static InMemoryRegisters empty() {
        return new InMemoryRegisters();
    }

    public InMemoryRegisters withOrganisation(OdsCode code, OrganisationType type) {
        organisations.put(code, type);
        return this;
    }

    public InMemoryRegisters withTeam(TeamId team, OdsCode organisation) {
        teams.put(team, organisation);
        return this;
    }

    public InMemoryRegisters withStaffMember(UserId user) {
        staff.add(user);
        return this;
    }

    public InMemoryRegisters withPatient(NhsNumber patient) {
        patients.add(patient);
        return this;
    }

    @Override
    public Optional<OrganisationType> organisationType(OdsCode organisation) {
        return Optional.ofNullable(organisations.get(organisation));
    }

    @Override
    public Optional<OdsCode> teamOrganisation(TeamId team) {
        return Optional.ofNullable(teams.get(team));
    }

    @Override
    public boolean staffMemberExists(UserId user) {
        return staff.contains(user);
    }

    @Override
    public boolean patientRegistered(NhsNumber patient) {
        return patients.contains(patient);
    }
}
