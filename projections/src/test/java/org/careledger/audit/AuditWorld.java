package org.careledger.audit;

import org.careledger.storage.Owner;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision;
import org.careledger.directory.AssignRole;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.record.Address;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.careledger.storage.Fixtures;
import org.careledger.storage.TestData;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * Test world for the audit features: real commands for the directory and records, audit events appended straight
 * to the event store (the read enforcement point that appends them is built elsewhere). Every test works in its own
 * slice of time ({@link #newEra()}) and its own organisations, so tests sharing one ledger do not see each other.
 */
public final class AuditWorld {

    private static final AtomicInteger NEXT_CODE = new AtomicInteger(10_000 + (int) Math.floorMod(System.nanoTime(), 80_000L));
    private static final AtomicInteger NEXT_ERA = new AtomicInteger();

    public static final Actor IG = Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26"));

    private final CommandGateway commands;
    private final EventStore eventStore;
    private final JdbcTemplate jdbc;

    public AuditWorld(CommandGateway commands, EventStore eventStore, JdbcTemplate jdbc) {
        this.commands = commands;
        this.eventStore = eventStore;
        this.jdbc = jdbc;
    }

    /** A Monday 00:00 UTC of its own, weeks apart from any other test's. */
    public static Instant newEra() {
        return Instant.parse("2031-01-06T00:00:00Z").plus(Duration.ofDays(14L * NEXT_ERA.incrementAndGet()));
    }

    public static OdsCode gpCode() {
        return OdsCode.of("G" + String.format("%05d", NEXT_CODE.incrementAndGet() % 100_000));
    }

    public static OdsCode clinicCode() {
        return OdsCode.of("C" + String.format("%05d", NEXT_CODE.incrementAndGet() % 100_000));
    }

    public OdsCode organisation(OdsCode code, OrganisationType type, Instant at) {
        commands.sendAndWait(new RegisterOrganisation(code, "Test organisation " + code, type, Fixtures.ADMIN, at));
        return code;
    }

    public Actor staff(String displayName, Role role, OdsCode organisation, Instant at) {
        UserId user = new UserId(UUID.randomUUID());
        commands.sendAndWait(new RegisterStaffMember(user, displayName, Fixtures.ADMIN, at));
        commands.sendAndWait(new AssignRole(user, role, organisation, Fixtures.ADMIN, at));
        return Actor.staff(user, role, organisation);
    }

    public NhsNumber patient(OdsCode practice, String familyName, LocalDate birthDate, Instant at) {
        NhsNumber patient = TestData.nhsNumber();
        commands.sendAndWait(new RegisterPatient(patient, demographics(familyName, birthDate), practice,
                Actor.staff(new UserId(UUID.randomUUID()), Role.GP, practice), at));
        return patient;
    }

    public static Demographics demographics(String familyName, LocalDate birthDate) {
        return new Demographics("Test", familyName, birthDate, Demographics.Gender.UNKNOWN,
                new Address("1 Test Street", null, "Testtown", "ZZ99 9ZZ"));
    }

    public EntryId entry(NhsNumber patient, Actor by, Section section, Sensitivity sensitivity, Instant at) {
        EntryId entry = new EntryId(UUID.randomUUID());
        commands.sendAndWait(new RecordEntry(patient, entry, section, EntryContent.text("synthetic note", at
                .atZone(java.time.ZoneOffset.UTC).toLocalDate()), sensitivity, by, at));
        return entry;
    }

    /** Appends an audit event as the read enforcement point would: a plain event, no aggregate. */
    public void append(Object event) {
        eventStore.publish(GenericEventMessage.asEventMessage(event));
    }

    public RecordAccessed read(NhsNumber patient, Actor by, AccessDecision.Basis basis, Instant at,
                               List<DisclosedEntry> disclosed) {
        RecordAccessed event = new RecordAccessed(patient, basis, basis == AccessDecision.Basis.GRANT
                ? new GrantId(UUID.randomUUID()) : null, null, Purpose.DIRECT_CARE, Channel.WEB, RecordView.CURRENT,
                "1", List.of("registration-" + patient), disclosed, 1, by, at);
        append(event);
        return event;
    }

    public RecordAccessRefused refused(NhsNumber patient, Actor by, Instant at) {
        RecordAccessRefused event = new RecordAccessRefused(patient, AccessDecision.Refused.NO_BASIS,
                Purpose.DIRECT_CARE, Channel.WEB, RecordView.CURRENT, "1", by, at);
        append(event);
        return event;
    }

    /** Waits for the tracking processor to have written {@code expected} rows matching the condition. */
    public void awaitTrail(long expected, String where, Object... args) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE " + where, Long.class, args) >= expected);
    }

    public long eventsOfType(Class<?> type, String containing) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry
                 WHERE payload_type = ? AND convert_from(payload, 'UTF8') LIKE ?""",
                Long.class, type.getName(), "%" + containing + "%");
    }

    /** Installs a trigger that refuses to store events of that type whose payload contains the marker. */
    public AutoCloseable failAppendsOf(Class<?> type, String marker) {
        String name = "fail_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload_type = '%2$s' AND convert_from(NEW.payload, 'UTF8') LIKE '%%%3$s%%' THEN
                        RAISE EXCEPTION 'audit store unavailable (test)';
                    END IF;
                    RETURN NEW;
                END; $$""".formatted(name, type.getName(), marker));
        Owner.of(jdbc).execute("CREATE TRIGGER %1$s BEFORE INSERT ON domain_event_entry FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name));
        return () -> {
            Owner.of(jdbc).execute("DROP TRIGGER %1$s ON domain_event_entry".formatted(name));
            jdbc.execute("DROP FUNCTION %1$s()".formatted(name));
        };
    }
}
