package org.careledger.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerJsonTest {

    private final ObjectMapper mapper = LedgerJson.mapper();

    record Ids(NhsNumber patient, OdsCode organisation, UserId user, TeamId team, EntryId entry, GrantId grant,
               EmergencyAccessId emergency, Instant at) {
    }

    @Test
    void idsAreWrittenAsPlainStringsAndReadBackThroughTheirConstructors() throws Exception {
        UUID uuid = UUID.fromString("4a7d1ed4-1b2c-4d3e-8f90-123456789abc");
        Ids ids = new Ids(NhsNumber.of("9434765919"), OdsCode.of("Y01234"), new UserId(uuid), new TeamId(uuid),
                new EntryId(uuid), new GrantId(uuid), new EmergencyAccessId(uuid),
                Instant.parse("2025-03-03T10:15:30Z"));
        String json = mapper.writeValueAsString(ids);
        assertThat(json).isEqualTo("{\"patient\":\"9434765919\",\"organisation\":\"Y01234\",\"user\":\"" + uuid
                + "\",\"team\":\"" + uuid + "\",\"entry\":\"" + uuid + "\",\"grant\":\"" + uuid
                + "\",\"emergency\":\"" + uuid + "\",\"at\":\"2025-03-03T10:15:30Z\"}");
        assertThat(mapper.readValue(json, Ids.class)).isEqualTo(ids);
    }

    @Test
    void idsWorkAsMapKeysAndUnknownPropertiesAreIgnored() throws Exception {
        Map<OdsCode, List<UserId>> byOrganisation = Map.of(OdsCode.of("RX1"), List.of(new UserId(UUID.randomUUID())));
        String json = mapper.writeValueAsString(byOrganisation);
        assertThat(mapper.readValue(json, new TypeReference<Map<OdsCode, List<UserId>>>() {
        })).isEqualTo(byOrganisation);

        Actor actor = mapper.readValue("{\"user\":\"" + UUID.randomUUID()
                + "\",\"role\":\"GP\",\"organisation\":\"A81001\",\"addedLater\":42}", Actor.class);
        assertThat(actor.role()).isEqualTo(Role.GP);
    }

    @Test
    void anInvalidIdIsRefusedOnReading() {
        assertThatThrownBy(() -> mapper.readValue("\"1234567890\"", NhsNumber.class))
                .hasMessageContaining("NhsNumber");
    }

    /** Shaped like an aggregate: no-arg constructor, private fields, no getters. */
    static class AggregateLike {
        private NhsNumber patient;
        private Map<UUID, Integer> versions = new HashMap<>();
        private boolean closed;

        AggregateLike() {
        }

        AggregateLike(NhsNumber patient) {
            this.patient = patient;
            versions.put(UUID.randomUUID(), 2);
            closed = true;
        }

        public String getDerived() {
            throw new AssertionError("a getter must not be called for a snapshot");
        }
    }

    @Test
    void snapshotsAreTheAggregatesFields() throws Exception {
        ObjectMapper snapshots = LedgerJson.snapshotMapper();
        AggregateLike aggregate = new AggregateLike(NhsNumber.of("9434765919"));
        String json = snapshots.writeValueAsString(aggregate);
        AggregateLike restored = snapshots.readValue(json, AggregateLike.class);
        assertThat(restored).usingRecursiveComparison().isEqualTo(aggregate);
        assertThat(json).contains("\"patient\":\"9434765919\"").doesNotContain("derived");
    }
}
