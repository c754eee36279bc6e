package org.careledger.views;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.careledger.LedgerCore;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.directory.AssignRole;
import org.careledger.directory.FormTeam;
import org.careledger.directory.JoinTeam;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.reading.RecordReads;
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
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.careledger.storage.TestData;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the views and reads tests: one ledger context (with a movable clock) on one embedded PostgreSQL, shared by
 * every subclass. Each test makes its own organisations, staff and patients, so tests never see each other's data.
 */
@SpringBootTest(classes = {LedgerCore.class, ViewsTestConfiguration.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        // AuditLagTest holds an alert check back for a moment and sees the health turn DOWN past this
        properties = "careledger.audit.lag.max=1s")
public abstract class ViewsDatabaseTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "views-" + UUID.randomUUID());
    private static final AtomicInteger NEXT_ORG = new AtomicInteger(Math.floorMod(System.nanoTime(), 50_000));

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
        // many concurrent readers share the 10 pooled connections on a machine shared with other builds: wait longer
        // for one than Hikari's 30 s default rather than fail a read for want of a connection
        registry.add("spring.datasource.hikari.connection-timeout", () -> "300000");
    }

    @Autowired
    protected CommandGateway commands;
    @Autowired
    protected RecordReads reads;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected MutableClock clock;
    @Autowired
    @Qualifier("eventSerializer")
    protected Serializer eventSerializer;

    @Autowired
    protected ViewRebuild viewRebuild;

    /**
     * Tests share one ledger, so a test that activates another policy version leaves it in force for the next.
     * This activates the shipped policy text again (under a fresh version); the activation brings the role views in
     * line itself (ADR 0013).
     */
    protected void restoreShippedPolicy() {
        String source = org.careledger.policy.RolePolicy.defaultSource()
                .replace("policy.version=1", "policy.version=shipped-" + UUID.randomUUID());
        commands.sendAndWait(new org.careledger.policy.ActivatePolicyVersion(source,
                Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26")), clock.instant()));
    }

    /** The views a rebuild from the ledger would give ({@link ViewRebuild#buildNextOnly}) equal the live ones. */
    protected void assertNextEqualsLive() {
        for (String table : ViewTables.TABLES) {
            String live = "public." + table;
            String next = ViewTables.NEXT_SCHEMA + "." + table;
            long difference = jdbc.queryForObject("SELECT count(*) FROM ((SELECT * FROM " + live
                    + " EXCEPT ALL SELECT * FROM " + next + ") UNION ALL (SELECT * FROM " + next
                    + " EXCEPT ALL SELECT * FROM " + live + ")) d", Long.class);
            org.assertj.core.api.Assertions.assertThat(difference).as("rows differing in " + table).isZero();
            org.assertj.core.api.Assertions.assertThat(count(live)).as("rows in " + table).isEqualTo(count(next));
        }
    }

    protected long count(String tableAndCondition) {
        return jdbc.queryForObject("SELECT count(*) FROM " + tableAndCondition, Long.class);
    }

    protected final Actor admin = Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26"));

    protected OdsCode organisation(OrganisationType type) {
        int n = NEXT_ORG.incrementAndGet();
        OdsCode code = switch (type) {
            case GP_PRACTICE -> OdsCode.of(String.format("G%05d", n % 100_000));
            case PHARMACY -> OdsCode.of(String.format("F%04d", n % 10_000));
            default -> OdsCode.of(String.format("R%05d", n % 100_000));
        };
        commands.sendAndWait(new RegisterOrganisation(code, "Org " + code, type, admin, clock.instant()));
        return code;
    }

    protected Actor staff(Role role, OdsCode organisation) {
        UserId user = new UserId(UUID.randomUUID());
        commands.sendAndWait(new RegisterStaffMember(user, "Staff " + user, admin, clock.instant()));
        commands.sendAndWait(new AssignRole(user, role, organisation, admin, clock.instant()));
        return Actor.staff(user, role, organisation);
    }

    protected TeamId team(OdsCode organisation) {
        TeamId team = new TeamId(UUID.randomUUID());
        commands.sendAndWait(new FormTeam(organisation, team, "Team " + team, admin, clock.instant()));
        return team;
    }

    protected void join(Actor member, TeamId team) {
        commands.sendAndWait(new JoinTeam(member.user(), team, admin, clock.instant()));
    }

    protected NhsNumber patient(Actor registeringGp) {
        NhsNumber patient = TestData.nhsNumber();
        Demographics demographics = new Demographics("Test", "Patient", LocalDate.of(1970, 1, 1),
                Demographics.Gender.UNKNOWN, new Address("1 Test Street", null, "Testtown", "ZZ99 9ZZ"));
        commands.sendAndWait(new RegisterPatient(patient, demographics, registeringGp.organisation(), registeringGp,
                clock.instant()));
        return patient;
    }

    protected EntryId entry(NhsNumber patient, Actor author, Section section, Sensitivity sensitivity) {
        EntryId entry = new EntryId(UUID.randomUUID());
        commands.sendAndWait(new RecordEntry(patient, entry, section,
                EntryContent.text("note " + entry, LocalDate.of(2026, 1, 2)), sensitivity, author, clock.instant()));
        return entry;
    }

    protected void consent(NhsNumber patient, OdsCode organisation, ConsentDirection direction,
                           ConsentDecision decision, Actor by) {
        commands.sendAndWait(new RecordConsentDecision(patient, organisation, direction, decision,
                ConsentMethod.VERBAL, by, clock.instant()));
    }

    /**
     * Writes need a care relationship (ADR 8): {@code writes} runs while {@code who} holds a referral from
     * {@code referrer} (who must hold a basis), revoked straight after, so it leaves no basis behind for later reads.
     */
    protected void onReferral(NhsNumber patient, Actor who, Actor referrer, Runnable writes) {
        GrantId referral = grant(patient, Grantee.user(who.user()), GrantScope.wholeRecord(), Duration.ofHours(1),
                referrer);
        writes.run();
        commands.sendAndWait(new org.careledger.access.RevokeAccessGrant(patient, referral, "episode over", referrer,
                clock.instant()));
    }

    /** An entry by an author who would otherwise hold no basis: written on a referral (see {@link #onReferral}). */
    protected EntryId referredEntry(NhsNumber patient, Actor author, Actor referrer, Section section,
                                    Sensitivity sensitivity) {
        EntryId[] entry = new EntryId[1];
        onReferral(patient, author, referrer, () -> entry[0] = entry(patient, author, section, sensitivity));
        return entry[0];
    }

    protected GrantId grant(NhsNumber patient, Grantee grantee, GrantScope scope, Duration lasts, Actor by) {
        GrantId grant = new GrantId(UUID.randomUUID());
        commands.sendAndWait(new GrantAccess(patient, grant, grantee, GrantReason.REFERRAL, scope, clock.instant(),
                clock.instant().plus(lasts), by, clock.instant()));
        return grant;
    }

    /** The stored payload of the event with this id (the audit event of a read). */
    protected Object storedEvent(String eventId) {
        return jdbc.queryForObject(
                "SELECT payload, payload_type, payload_revision FROM domain_event_entry WHERE event_identifier = ?",
                (rs, i) -> eventSerializer.deserialize(new SimpleSerializedObject<>(rs.getBytes(1), byte[].class,
                        rs.getString(2), rs.getString(3))), eventId);
    }

    protected long storedEventsOfType(String simpleName) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE ?", Long.class,
                "%." + simpleName);
    }
}
