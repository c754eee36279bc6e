package org.careledger.reading;

import org.careledger.access.AccessDecision;
import org.careledger.access.AccessPolicy;
import org.careledger.access.EntryFacts;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.PatientSharingState;
import org.careledger.access.Reader;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.policy.PolicyInForce;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads racing writes: four writers each toggle one fact again and again (share-out consent of the authoring
 * practice, dissent, the reader's grant, an entry's sensitivity) while readers read. For every read we know, per
 * writer, how many of its commands were acknowledged before the read started (they must be seen) and how many had
 * been sent before it ended (no more can be seen). The read's disclosed entries must equal what AccessPolicy decides
 * on the state after some such combination of prefixes: so a read that starts after a revocation, dissent or
 * sealing was acknowledged never discloses what it removed, and no read mixes states that never existed together.
 */
class ConcurrentReadsTest extends ViewsDatabaseTest {

    private static final int WRITERS = 4;
    private static final int OPS = 12;
    private static final int READERS = 3;

    @Autowired
    PolicyInForce policyInForce;

    @Test
    void everyReadDisclosesExactlyWhatThePolicyAllowsOnAStateItCouldHaveSeen() throws Exception {
        OdsCode practiceA = organisation(OrganisationType.GP_PRACTICE);
        OdsCode practiceB = organisation(OrganisationType.GP_PRACTICE);
        OdsCode practiceC = organisation(OrganisationType.GP_PRACTICE);
        Actor gpA = staff(Role.GP, practiceA);
        Actor gpB = staff(Role.GP, practiceB);
        Actor gpC = staff(Role.GP, practiceC);
        NhsNumber patient = patient(gpA);
        EntryId toggled = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId referral = entry(patient, gpA, Section.REFERRALS, Sensitivity.NORMAL);
        EntryId fromB = referredEntry(patient, gpB, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        consent(patient, practiceC, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        consent(patient, practiceB, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        List<GrantId> grants = Collections.synchronizedList(new ArrayList<>());
        grants.add(grant(patient, Grantee.organisation(practiceC), GrantScope.wholeRecord(), Duration.ofDays(30), gpA));

        AtomicIntegerArray started = new AtomicIntegerArray(WRITERS);
        AtomicIntegerArray acked = new AtomicIntegerArray(WRITERS);
        List<IntConsumer> writers = List.of(
                k -> consent(patient, practiceA, ConsentDirection.SHARE_OUT,
                        k % 2 == 1 ? ConsentDecision.REFUSED : ConsentDecision.GRANTED, gpA),
                k -> commands.sendAndWait(k % 2 == 1
                        ? new RecordDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant())
                        : new WithdrawDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant())),
                k -> {
                    if (k % 2 == 1) {
                        commands.sendAndWait(new RevokeAccessGrant(patient, grants.get(grants.size() - 1), "toggle",
                                gpA, clock.instant()));
                    } else {
                        grants.add(grant(patient, Grantee.organisation(practiceC), GrantScope.wholeRecord(),
                                Duration.ofDays(30), gpA));
                    }
                },
                k -> commands.sendAndWait(new ChangeEntrySensitivity(patient, toggled,
                        k % 2 == 1 ? Sensitivity.SEALED : Sensitivity.NORMAL, "toggle", gpA, clock.instant())));

        record Observed(int[] lo, int[] hi, Set<EntryId> disclosed, boolean refused) {
        }
        List<Observed> observed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        Reader reader = Reader.staff(gpC.user(), Role.GP, practiceC, Set.of());
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                go.await();
                try {
                    for (int k = 1; k <= OPS; k++) {
                        started.incrementAndGet(writer);
                        writers.get(writer).accept(k);
                        acked.incrementAndGet(writer);
                    }
                } finally {
                    writersDone.countDown();
                }
                return null;
            }));
        }
        for (int r = 0; r < READERS; r++) {
            futures.add(pool.submit(() -> {
                go.await();
                do {
                    int[] lo = new int[WRITERS];
                    for (int w = 0; w < WRITERS; w++) {
                        lo[w] = acked.get(w);
                    }
                    RecordRead read = reads.open(reader, patient, Purpose.DIRECT_CARE, Channel.WEB);
                    int[] hi = new int[WRITERS];
                    for (int w = 0; w < WRITERS; w++) {
                        hi[w] = started.get(w);
                    }
                    Set<EntryId> disclosed = new HashSet<>();
                    read.entries().forEach(e -> disclosed.add(e.entry()));
                    observed.add(new Observed(lo, hi, disclosed, !read.allowed()));
                } while (writersDone.getCount() > 0);
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        for (Future<?> f : futures) {
            f.get();
        }

        Model model = new Model(patient, practiceA, practiceB, practiceC, gpA, toggled, referral, fromB);
        int exact = 0;
        for (Observed o : observed) {
            boolean explained = false;
            for (int[] k : combinations(o.lo, o.hi)) {
                AccessDecision d = model.decide(k, policyInForce);
                Set<EntryId> expected = new HashSet<>();
                d.disclosed().forEach(v -> expected.add(v.entry()));
                if (d.allowed() != !o.refused) {
                    continue;
                }
                if (expected.equals(o.disclosed)) {
                    explained = true;
                    break;
                }
            }
            assertThat(explained).as("read with acked %s and started %s disclosed %s (refused %s)",
                    java.util.Arrays.toString(o.lo), java.util.Arrays.toString(o.hi), o.disclosed, o.refused)
                    .isTrue();
            if (java.util.Arrays.equals(o.lo, o.hi)) {
                exact++;
            }
        }
        assertThat(observed).hasSizeGreaterThanOrEqualTo(READERS);
        assertThat(storedEventsOfType("RecordAccessed") + storedEventsOfType("RecordAccessRefused"))
                .isGreaterThanOrEqualTo(observed.size());
        // the final state is exact: every write acknowledged
        int[] all = {OPS, OPS, OPS, OPS};
        RecordRead last = reads.open(reader, patient, Purpose.DIRECT_CARE, Channel.WEB);
        Set<EntryId> expected = new HashSet<>();
        model.decide(all, policyInForce).disclosed().forEach(v -> expected.add(v.entry()));
        assertThat(last.entries()).extracting(ReadEntry::entry).containsExactlyInAnyOrderElementsOf(expected);
        System.out.printf("concurrent reads: %d reads, %d with no write in flight%n", observed.size(), exact);
    }

    private static List<int[]> combinations(int[] lo, int[] hi) {
        List<int[]> out = new ArrayList<>();
        out.add(lo.clone());
        for (int w = 0; w < lo.length; w++) {
            List<int[]> next = new ArrayList<>();
            for (int[] partial : out) {
                for (int k = lo[w]; k <= hi[w]; k++) {
                    int[] c = partial.clone();
                    c[w] = k;
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }

    /** The state after k[w] commands of each writer, built by hand, decided by the real AccessPolicy. */
    private record Model(NhsNumber patient, OdsCode a, OdsCode b, OdsCode c, Actor gpA, EntryId toggled,
                         EntryId referral, EntryId fromB) {

        AccessDecision decide(int[] k, PolicyInForce policy) {
            Instant now = Instant.now();
            ConsentDecision shareOutA = k[0] % 2 == 1 ? ConsentDecision.REFUSED : ConsentDecision.GRANTED;
            List<PatientSharingState.Consent> consents = List.of(
                    new PatientSharingState.Consent(c, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, "c"),
                    new PatientSharingState.Consent(b, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, "b"),
                    new PatientSharingState.Consent(a, ConsentDirection.SHARE_OUT, shareOutA, "a"));
            PatientSharingState.Dissent dissent = new PatientSharingState.Dissent(k[1] % 2 == 1, "d");
            List<PatientSharingState.Grant> grants = k[2] % 2 == 1 ? List.of() : List.of(new PatientSharingState.Grant(
                    new GrantId(java.util.UUID.randomUUID()), Grantee.organisation(c), GrantReason.REFERRAL,
                    GrantScope.wholeRecord(), now.minusSeconds(60), now.plusSeconds(3600), null, "g"));
            PatientSharingState state = new PatientSharingState(patient, a, "r", consents, dissent, grants, List.of(),
                    List.of());
            Sensitivity sensitivity = k[3] % 2 == 1 ? Sensitivity.SEALED : Sensitivity.NORMAL;
            List<EntryFacts> entries = List.of(
                    new EntryFacts(toggled, 1, Section.CONSULTATIONS, a, gpA.user(), sensitivity, false),
                    new EntryFacts(referral, 1, Section.REFERRALS, a, gpA.user(), Sensitivity.NORMAL, false),
                    new EntryFacts(fromB, 1, Section.CONSULTATIONS, b, new org.careledger.shared.UserId(
                            java.util.UUID.randomUUID()), Sensitivity.NORMAL, false));
            Reader reader = Reader.staff(new org.careledger.shared.UserId(java.util.UUID.randomUUID()), Role.GP, c,
                    Set.of());
            return AccessPolicy.decide(policy.current(), reader, state, entries, now);
        }
    }
}
