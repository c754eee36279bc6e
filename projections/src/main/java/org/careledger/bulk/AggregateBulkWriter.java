package org.careledger.bulk;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.MultiParameterResolverFactory;
import org.axonframework.messaging.annotation.ParameterResolver;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.careledger.access.AccessDecision;
import org.careledger.access.AccessPolicy;
import org.careledger.access.CareRelationships;
import org.careledger.access.Reader;
import org.careledger.audit.trail.AuditTrailProjection;
import org.careledger.reading.SharingStates;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.careledger.storage.BulkScope;
import org.careledger.storage.CachedCommandTargets;
import org.careledger.storage.LedgerAggregates;
import org.careledger.storage.PlannerStatistics;
import org.careledger.storage.ReadBackCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bulk write path (ADR 16). Two phases per call:
 * <ol>
 *   <li><b>Decide</b>, in memory: each patient's commands are handled by the aggregates' own {@code @CommandHandler}s
 *   (Axon's annotated aggregate model, the same parameter resolution, correlation data and read-back check as the
 *   command bus), on fresh aggregates, with the cross-aggregate ports answered from the directory in the database and
 *   the patient's own events so far ({@link SharingStateFold}, {@link AccessPolicy#basis}). A refused command leaves
 *   its patient out.</li>
 *   <li><b>Store</b>, in one transaction for all accepted patients: their events are published through the event
 *   store in runs of one event type (each patient's events in stream order), so the JDBC storage engine appends each
 *   run as one batch (the same rows the command path stores) and the subscribing projections (views, registers,
 *   audit trail) handle them in that transaction, their writes grouped into JDBC batches by {@link BulkScope}.
 *   Nobody can read a half-written patient: the transaction commits all of them or none. If it fails, each patient
 *   is retried alone, so one bad patient cannot sink the others.</li>
 * </ol>
 * Only new patients are written in bulk: a patient whose streams already hold events is refused (ALREADY_EXISTS).
 */
@Component
public class AggregateBulkWriter implements BulkWriter {

    private static final Logger log = LoggerFactory.getLogger(AggregateBulkWriter.class);

    private final EventStore eventStore;
    private final TransactionTemplate transaction;
    private final JdbcTemplate jdbc;
    private final Registers registers;
    private final SharingStates sharingStates;
    private final ReadBackCheck readBack;
    private final PlannerStatistics statistics;
    private final List<CorrelationDataProvider> correlation;
    private final CommandTargetResolver targets = CachedCommandTargets.INSTANCE;
    private final Map<Class<?>, AggregateModel<Object>> modelByCommand = new HashMap<>();
    private final Map<Class<?>, Constructor<?>> constructors = new HashMap<>();
    private final ThreadLocal<PatientContext> current = new ThreadLocal<>();

    public AggregateBulkWriter(EventStore eventStore, PlatformTransactionManager transactionManager, JdbcTemplate jdbc,
                               Registers registers, SharingStates sharingStates, ReadBackCheck readBack,
                               PlannerStatistics statistics,
                               ParameterResolverFactory parameterResolverFactory, HandlerDefinition handlerDefinition,
                               org.axonframework.config.Configuration axon) {
        this.eventStore = eventStore;
        this.transaction = new TransactionTemplate(transactionManager);
        this.jdbc = jdbc;
        this.registers = registers;
        this.sharingStates = sharingStates;
        this.readBack = readBack;
        this.statistics = statistics;
        this.correlation = axon.correlationDataProviders();
        ParameterResolverFactory resolvers = MultiParameterResolverFactory.ordered(new BatchPorts(),
                parameterResolverFactory);
        for (Class<?> type : LedgerAggregates.TYPES) {
            @SuppressWarnings("unchecked")
            AggregateModel<Object> model = (AggregateModel<Object>) AnnotatedAggregateMetaModelFactory
                    .inspectAggregate(type, resolvers, handlerDefinition);
            model.commandHandlers(type).forEach(handler -> modelByCommand.put(handler.payloadType(), model));
            try {
                Constructor<?> constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                constructors.put(type, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("aggregate " + type.getSimpleName() + " has no no-argument constructor");
            }
        }
    }

    @Override
    public List<Outcome> write(List<PatientCommands> patients) {
        Set<NhsNumber> seen = new HashSet<>();
        for (PatientCommands p : patients) {
            if (!seen.add(p.patient())) {
                throw new IllegalArgumentException("patient " + p.patient() + " appears twice in one bulk write");
            }
        }
        Set<String> present = streamsPresent(patients);
        DirectoryCache directory = new DirectoryCache();
        List<Outcome> outcomes = new ArrayList<>(patients.size());
        List<Decided> accepted = new ArrayList<>();
        for (PatientCommands p : patients) {
            if (present.contains(p.patient().value())) {
                outcomes.add(Outcome.refused(p.key(), p.patient(), 0,
                        Refusal.Kind.ALREADY_EXISTS + ": patient " + p.patient() + " is already in the ledger"));
                continue;
            }
            Decided decided = decide(new Unit(p.key(), p.patient(), p.commands(), null), directory);
            outcomes.add(decided.outcome());
            if (decided.outcome().written()) {
                accepted.add(decided);
            }
        }
        storeAll(accepted, outcomes);
        statistics.refreshGrownTables();
        return outcomes;
    }

    @Override
    public List<Outcome> writeDirectory(List<? extends Command> commands) {
        Map<String, List<Command>> byAggregate = new LinkedHashMap<>();
        Map<String, List<Integer>> positionsOf = new HashMap<>();
        Map<String, Class<?>> typeOf = new HashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            Command command = commands.get(i);
            AggregateModel<Object> model = modelOf(command);
            String id = targets.resolveTarget(GenericCommandMessage.asCommandMessage(command)).getIdentifier();
            byAggregate.computeIfAbsent(id, k -> new ArrayList<>()).add(command);
            positionsOf.computeIfAbsent(id, k -> new ArrayList<>()).add(i);
            typeOf.put(id, model.entityClass());
        }
        List<Outcome> outcomes = new ArrayList<>();
        // organisations (and their teams) first: staff members' roles and team memberships look them up
        for (boolean organisations : new boolean[]{true, false}) {
            List<Unit> phase = new ArrayList<>();
            byAggregate.forEach((id, list) -> {
                if ((typeOf.get(id) == org.careledger.directory.Organisation.class) == organisations) {
                    phase.add(new Unit(id, null, list, positionsOf.get(id)));
                }
            });
            for (int from = 0; from < phase.size(); from += DIRECTORY_UNITS_PER_WRITE) {
                DirectoryCache directory = new DirectoryCache();
                List<Outcome> chunk = new ArrayList<>();
                List<Decided> accepted = new ArrayList<>();
                for (Unit unit : phase.subList(from, Math.min(phase.size(), from + DIRECTORY_UNITS_PER_WRITE))) {
                    Decided decided = decide(unit, directory);
                    chunk.add(decided.outcome());
                    if (decided.outcome().written()) {
                        accepted.add(decided);
                    }
                }
                storeAll(accepted, chunk);
                statistics.refreshGrownTables();
                outcomes.addAll(chunk);
            }
        }
        return outcomes;
    }

    /** A region's directory (hundreds of organisations, ~600 staff) is written in one transaction, in command order. */
    private static final int DIRECTORY_UNITS_PER_WRITE = 10_000;

    /** Stores the accepted units together, or, if that fails, each alone; a unit that cannot be stored is refused. */
    private void storeAll(List<Decided> accepted, List<Outcome> outcomes) {
        if (accepted.isEmpty()) {
            return;
        }
        try {
            store(accepted);
        } catch (RuntimeException batchFailure) {
            log.warn("bulk write of {} units (patients or directory aggregates) failed ({}); writing each alone",
                    accepted.size(),
                    batchFailure.getClass().getSimpleName());
            for (Decided d : accepted) {
                try {
                    store(List.of(d));
                } catch (RuntimeException e) {
                    log.warn("bulk write: {} could not be stored ({})", d.key(), e.getClass().getSimpleName());
                    int i = outcomes.indexOf(d.outcome());
                    outcomes.set(i, Outcome.refused(d.key(), d.patient(), -1,
                            "could not be stored: " + e.getClass().getSimpleName()));
                }
            }
        }
    }

    // ---- decide -----------------------------------------------------------------------------------------------

    /** A decided unit; {@code positions} (directory only) gives each event the position of its command. */
    private record Decided(String key, NhsNumber patient, List<DomainEventMessage<?>> events, List<Integer> positions,
                           Outcome outcome) {
    }

    /**
     * Commands decided and stored all or nothing: one patient's, or one directory aggregate's (patient null, with
     * each command's position in the directory's list, so the directory is stored in the order it was given: who
     * holds a role first is who was assigned it first).
     */
    private record Unit(String key, NhsNumber patient, List<? extends Command> commands, List<Integer> positions) {
    }

    private Decided decide(Unit p, DirectoryCache directory) {
        PatientContext context = new PatientContext(p.patient(), directory);
        Map<String, EventSourcedAggregate<Object>> aggregates = new LinkedHashMap<>();
        List<EventMessage<?>> collected = new ArrayList<>();
        List<Integer> positions = p.positions() == null ? null : new ArrayList<>();
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(collected::addAll);
        current.set(context);
        try {
            for (int i = 0; i < p.commands().size(); i++) {
                Command command = p.commands().get(i);
                int before = collected.size();
                try {
                    handle(command, aggregates, bus);
                    for (EventMessage<?> event : collected.subList(before, collected.size())) {
                        if (positions != null) {
                            positions.add(p.positions().get(i));
                        }
                        readBack.check(event);
                        if (context.fold != null) {
                            context.fold.apply(event.getPayload(), event.getIdentifier());
                        }
                    }
                } catch (Refusal r) {
                    return refused(p, i, r.kind() + ": " + r.getMessage());
                } catch (ReadBackCheck.UnreadableEvent e) {
                    return refused(p, i, "unreadable event: " + e.getMessage());
                }
            }
        } finally {
            current.remove();
        }
        Map<String, Long> byType = new TreeMap<>();
        List<DomainEventMessage<?>> events = new ArrayList<>(collected.size());
        for (EventMessage<?> event : collected) {
            events.add((DomainEventMessage<?>) event);
            byType.merge(event.getPayloadType().getSimpleName(), 1L, Long::sum);
        }
        return new Decided(p.key(), p.patient(), events, positions, Outcome.written(p.key(), p.patient(), byType));
    }

    private static Decided refused(Unit p, int command, String reason) {
        return new Decided(p.key(), p.patient(), List.of(), null, Outcome.refused(p.key(), p.patient(), command, reason));
    }

    private void handle(Command command, Map<String, EventSourcedAggregate<Object>> aggregates, SimpleEventBus bus) {
        AggregateModel<Object> model = modelOf(command);
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command);
        String id = targets.resolveTarget(message).getIdentifier();
        EventSourcedAggregate<Object> aggregate = aggregates.get(id);
        if (aggregate == null) {
            aggregate = create(model, bus);
            aggregates.put(id, aggregate);
        }
        EventSourcedAggregate<Object> target = aggregate;
        DefaultUnitOfWork<CommandMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(message);
        correlation.forEach(unitOfWork::registerCorrelationDataProvider);
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> target.handle(message));
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw new IllegalStateException("command handler failed", failure);
        }
    }

    private AggregateModel<Object> modelOf(Command command) {
        AggregateModel<Object> model = modelByCommand.get(command.getClass());
        if (model == null) {
            throw Refusal.of(Refusal.Kind.INVALID_INPUT, command.getClass().getSimpleName() + " has no handler");
        }
        return model;
    }

    private EventSourcedAggregate<Object> create(AggregateModel<Object> model, SimpleEventBus bus) {
        Constructor<?> constructor = constructors.get(model.entityClass());
        try {
            return EventSourcedAggregate.initialize(constructor.newInstance(), model, bus,
                    NoSnapshotTriggerDefinition.TRIGGER);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + model.entityClass().getSimpleName(), e);
        }
    }

    /** Which of the patients' streams (record, consent, access) already hold events: those patients are refused. */
    private Set<String> streamsPresent(List<PatientCommands> patients) {
        List<String> streams = new ArrayList<>();
        Map<String, String> patientOf = new HashMap<>();
        for (PatientCommands p : patients) {
            String nhs = p.patient().value();
            for (String stream : List.of(nhs, "consent:" + nhs, "access:" + nhs)) {
                streams.add(stream);
                patientOf.put(stream, nhs);
            }
        }
        Set<String> present = new HashSet<>();
        jdbc.query(con -> {
            var ps = con.prepareStatement("""
                    SELECT DISTINCT aggregate_identifier FROM domain_event_entry
                    WHERE aggregate_identifier = ANY(?) AND sequence_number = 0""");
            ps.setArray(1, con.createArrayOf("text", streams.toArray()));
            return ps;
        }, rs -> {
            present.add(patientOf.get(rs.getString(1)));
        });
        return present;
    }

    // ---- store ------------------------------------------------------------------------------------------------

    private void store(List<Decided> patients) {
        List<List<DomainEventMessage<?>>> runs = runs(patients);
        transaction.executeWithoutResult(status -> {
            BulkScope scope = BulkScope.open(jdbc);
            try {
                // decide() checked every event already (a refusal there leaves the patient out)
                Set<String> checked = new HashSet<>();
                patients.forEach(p -> p.events().forEach(e -> checked.add(e.getIdentifier())));
                scope.remember(ReadBackCheck.ALREADY_CHECKED, checked);
                for (List<DomainEventMessage<?>> run : runs) {
                    scope.remember(AuditTrailProjection.GLOBAL_INDEXES, new GlobalIndexes(jdbc, run));
                    eventStore.publish(run);
                    scope.flush();
                }
            } finally {
                scope.close();
            }
        });
    }

    /**
     * Runs of one event type: over all the patients' events, each patient's in stream order; or, for the directory,
     * the events in the order of their commands, cut where the type changes.
     */
    static List<List<DomainEventMessage<?>>> runs(List<Decided> units) {
        if (units.stream().allMatch(u -> u.positions() != null)) {
            List<Map.Entry<Integer, DomainEventMessage<?>>> ordered = new ArrayList<>();
            for (Decided unit : units) {
                for (int i = 0; i < unit.events().size(); i++) {
                    ordered.add(Map.entry(unit.positions().get(i), unit.events().get(i)));
                }
            }
            ordered.sort(Map.Entry.comparingByKey()); // stable: a command's events keep their order
            List<List<DomainEventMessage<?>>> runs = new ArrayList<>();
            for (Map.Entry<Integer, DomainEventMessage<?>> e : ordered) {
                DomainEventMessage<?> event = e.getValue();
                if (runs.isEmpty() || runs.get(runs.size() - 1).get(0).getPayloadType() != event.getPayloadType()) {
                    runs.add(new ArrayList<>());
                }
                runs.get(runs.size() - 1).add(event);
            }
            return runs;
        }
        return BulkScope.runs(units.stream().map(Decided::events).toList(), DomainEventMessage::getPayloadType);
    }

    /** The global indexes of one run's events, read once when the audit trail first asks (after the append). */
    private static final class GlobalIndexes extends HashMap<String, Long> {
        private final transient JdbcTemplate jdbc;
        private final transient List<DomainEventMessage<?>> run;
        private boolean loaded;

        GlobalIndexes(JdbcTemplate jdbc, List<DomainEventMessage<?>> run) {
            this.jdbc = jdbc;
            this.run = run;
        }

        @Override
        public boolean containsKey(Object key) {
            load();
            return super.containsKey(key);
        }

        @Override
        public Long get(Object key) {
            load();
            return super.get(key);
        }

        private void load() {
            if (loaded) {
                return;
            }
            loaded = true;
            String[] ids = run.stream().map(Message::getIdentifier).toArray(String[]::new);
            jdbc.query(con -> {
                var ps = con.prepareStatement(
                        "SELECT event_identifier, global_index FROM domain_event_entry WHERE event_identifier = ANY(?)");
                ps.setArray(1, con.createArrayOf("text", ids));
                return ps;
            }, rs -> {
                put(rs.getString(1), rs.getLong(2));
            });
        }
    }

    // ---- the ports, as a patient being decided sees them ------------------------------------------------------

    /**
     * The directory as one write call sees it: organisations, teams, staff and team memberships, read in four
     * queries when the call starts (the registers are small: hundreds of rows for a region) instead of once per
     * command. Patients' commands do not change the directory; a directory write reads it again per chunk.
     */
    private final class DirectoryCache {
        final Map<OdsCode, OrganisationType> organisations = new HashMap<>();
        final Map<TeamId, OdsCode> teams = new HashMap<>();
        final Set<UserId> staff = new HashSet<>();
        /** Each user's teams, with the organisation each team belongs to. */
        final Map<UserId, Map<TeamId, OdsCode>> memberships = new HashMap<>();
        final Map<List<Object>, Reader> readers = new HashMap<>();

        DirectoryCache() {
            jdbc.query("SELECT ods_code, type FROM organisation", rs -> {
                organisations.put(OdsCode.of(rs.getString(1)), OrganisationType.valueOf(rs.getString(2)));
            });
            jdbc.query("SELECT team_id, ods_code FROM team", rs -> {
                teams.put(new TeamId(rs.getObject(1, java.util.UUID.class)), OdsCode.of(rs.getString(2)));
            });
            jdbc.query("SELECT user_id FROM staff_member", rs -> {
                staff.add(new UserId(rs.getObject(1, java.util.UUID.class)));
            });
            memberships.putAll(sharingStates.teamMemberships());
        }

        Reader reader(Actor actor) {
            return readers.computeIfAbsent(List.of(actor.user(), actor.role(), actor.organisation()), k -> {
                Set<TeamId> own = new HashSet<>();
                if (actor.organisation() != null) {
                    memberships.getOrDefault(actor.user(), Map.of()).forEach((team, organisation) -> {
                        if (organisation.equals(actor.organisation())) {
                            own.add(team);
                        }
                    });
                }
                return new Reader(actor.user(), actor.role(), actor.organisation(), own, null);
            });
        }
    }

    private final class PatientContext implements Registers, CareRelationships {
        final NhsNumber patient;
        final SharingStateFold fold;
        final DirectoryCache directory;

        PatientContext(NhsNumber patient, DirectoryCache directory) {
            this.patient = patient;
            this.fold = patient == null ? null : new SharingStateFold(patient);
            this.directory = directory;
        }

        @Override
        public Optional<OrganisationType> organisationType(OdsCode organisation) {
            return Optional.ofNullable(directory.organisations.get(organisation));
        }

        @Override
        public Optional<OdsCode> teamOrganisation(TeamId team) {
            return Optional.ofNullable(directory.teams.get(team));
        }

        @Override
        public boolean staffMemberExists(UserId user) {
            return directory.staff.contains(user);
        }

        @Override
        public boolean patientRegistered(NhsNumber other) {
            return other.equals(patient) ? fold.registered() : registers.patientRegistered(other);
        }

        @Override
        public Optional<AccessDecision.Basis> basisOf(Actor actor, NhsNumber of, Instant at) {
            if (actor.role() == Role.PATIENT || patient == null || !of.equals(patient)) {
                return Optional.empty();
            }
            return AccessPolicy.basis(directory.reader(actor), fold.state(), at).map(AccessPolicy.Resolved::basis);
        }
    }

    /** Resolves the handlers' {@link Registers} and {@link CareRelationships} parameters to the patient's context. */
    private final class BatchPorts implements ParameterResolverFactory {
        @Override
        public ParameterResolver<?> createInstance(Executable executable, Parameter[] parameters, int index) {
            Class<?> type = parameters[index].getType();
            if (type == Registers.class || type == CareRelationships.class) {
                return new ParameterResolver<Object>() {
                    @Override
                    public Object resolveParameterValue(Message<?> message) {
                        PatientContext context = current.get();
                        if (context == null) {
                            throw new IllegalStateException("bulk writer: no patient is being decided");
                        }
                        return context;
                    }

                    @Override
                    public boolean matches(Message<?> message) {
                        return true;
                    }
                };
            }
            return null;
        }
    }
}
