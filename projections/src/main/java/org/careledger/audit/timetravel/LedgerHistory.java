package org.careledger.audit.timetravel;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.careledger.access.PatientAccess;
import org.careledger.consent.PatientConsent;
import org.careledger.directory.RoleAssigned;
import org.careledger.directory.RoleAssignmentEnded;
import org.careledger.directory.TeamFormed;
import org.careledger.directory.TeamJoined;
import org.careledger.directory.TeamLeft;
import org.careledger.policy.PolicyVersions;
import org.careledger.shared.LedgerEvent;
import org.careledger.shared.NhsNumber;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the ledger as it stood at an instant: the events of a stream (or of the directory) whose {@code at} is
 * not after it. {@code at} is the time the event took effect (ADR 3: stamped by the edge, historical for a
 * migration), so it is the clock time travel runs on. Streams are read from their first event, never from a
 * snapshot (a snapshot is the aggregate's state now, not then). Stored events pass through the upcaster chain.
 */
@Component
public class LedgerHistory {

    private static final List<String> DIRECTORY_TYPES = Stream.of(RoleAssigned.class, RoleAssignmentEnded.class,
            TeamFormed.class, TeamJoined.class, TeamLeft.class).map(Class::getName).toList();

    private final EventStore eventStore;
    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final org.axonframework.config.Configuration axon;

    public LedgerHistory(EventStore eventStore, JdbcTemplate jdbc, @Qualifier("eventSerializer") Serializer serializer,
                         org.axonframework.config.Configuration axon) {
        this.eventStore = eventStore;
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.axon = axon;
    }

    public List<EventMessage<?>> record(NhsNumber patient, Instant at) {
        return stream(patient.value(), at);
    }

    public List<EventMessage<?>> consent(NhsNumber patient, Instant at) {
        return stream(PatientConsent.streamOf(patient), at);
    }

    public List<EventMessage<?>> access(NhsNumber patient, Instant at) {
        return stream(PatientAccess.streamOf(patient), at);
    }

    public List<EventMessage<?>> policy(Instant at) {
        return stream(PolicyVersions.STREAM, at);
    }

    /** Role assignments, their ends, teams and team memberships, in ledger order, up to {@code at}. */
    public List<EventMessage<?>> directory(Instant at) {
        List<TrackedEventData<?>> rows = jdbc.query("""
                SELECT global_index, type, aggregate_identifier, sequence_number, event_identifier, time_stamp,
                       payload_type, payload_revision, payload, meta_data
                  FROM domain_event_entry WHERE payload_type IN (?, ?, ?, ?, ?) ORDER BY global_index""",
                (rs, i) -> new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(rs.getLong("global_index")),
                        new GenericDomainEventEntry<>(rs.getString("type"), rs.getString("aggregate_identifier"),
                                rs.getLong("sequence_number"), rs.getString("event_identifier"),
                                rs.getString("time_stamp"), rs.getString("payload_type"),
                                rs.getString("payload_revision"), rs.getBytes("payload"), rs.getBytes("meta_data"))),
                DIRECTORY_TYPES.toArray());
        List<EventMessage<?>> events = new ArrayList<>();
        EventUtils.upcastAndDeserializeTrackedEvents(rows.stream(), serializer, axon.upcasterChain())
                .filter(m -> notAfter(m, at))
                .forEach(events::add);
        return events;
    }

    private List<EventMessage<?>> stream(String aggregate, Instant at) {
        List<EventMessage<?>> events = new ArrayList<>();
        eventStore.readEvents(aggregate, 0L).asStream()
                .filter(m -> notAfter(m, at))
                .forEach(events::add);
        return events;
    }

    private static boolean notAfter(EventMessage<?> message, Instant at) {
        return message.getPayload() instanceof LedgerEvent e && !e.at().isAfter(at);
    }

    /** For receipts: the id of the event that established a fact. */
    static String id(EventMessage<?> message) {
        return message instanceof DomainEventMessage<?> d ? d.getIdentifier() : message.getIdentifier();
    }
}
