package org.careledger.access;

import org.careledger.access.AccessDecision.EntryVerdict;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.AccessDecision.Withheld;
import org.careledger.shared.EntryId;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * "View as" (ADR 24): what a previewer may be shown of another reader's view, as one pure function. The other
 * reader's view is decided by the real {@link AccessPolicy} for a hypothetical reader ({@link #hypothetical}); this
 * only combines that decision with the previewer's own, so that a preview discloses nothing the previewer may not
 * already see:
 * <ul>
 *     <li>only a GP or an IG officer may preview ({@link Refused#PREVIEW_NOT_ALLOWED} otherwise), and only a staff
 *     role that reads records can be previewed ({@link #previewable});</li>
 *     <li>a GP previews only a record they can open themselves (their own refusal refuses the preview) and is shown
 *     the entries both would see, with content; what the previewed reader would see and the GP may not is a number
 *     ({@code notShown}); the reasons the previewed reader would be denied entries are counted only over entries
 *     the GP may see;</li>
 *     <li>an IG officer has no clinical view of their own: they are shown which entries (ids and sections, the
 *     facts the audit trail already shows them) the previewed reader would see and why the rest would be withheld,
 *     never content.</li>
 * </ul>
 */
public final class Preview {

    /** The user id of the hypothetical reader: nobody, so no personal grant, team, emergency or authorship counts. */
    public static final UserId NOBODY = new UserId(new UUID(0L, 0L));

    private Preview() {
    }

    /** May someone in this role preview another role's view? */
    public static boolean mayPreview(Role previewer) {
        return previewer == Role.GP || previewer == Role.IG_OFFICER;
    }

    /** Can this role's view be previewed? Staff who read records: not IG officers, administrators or patients. */
    public static boolean previewable(Role role) {
        return role != null && role.isStaff() && role != Role.IG_OFFICER && role != Role.ADMINISTRATOR;
    }

    /**
     * The reader previewed: someone in that role at that organisation with no grant to them personally, no team
     * and no emergency of their own (grants to the organisation count).
     */
    public static Reader hypothetical(Role role, OdsCode organisation) {
        return Reader.staff(NOBODY, role, organisation, Set.of());
    }

    /**
     * What a preview shows.
     *
     * @param refused      the preview refused as a whole (nothing shown, the refusal audited), or null
     * @param contentShown whether {@code shown} may carry content (a GP) or ids and sections only (an IG officer)
     * @param shown        the entries shown to the previewer, each one the previewed reader would see
     * @param withheld     per reason, the entries the previewed reader would be denied, counted over entries the
     *                     previewer may see (an IG officer: all)
     * @param wouldSee     how many entries the previewed reader would see
     * @param notShown     how many of those the previewer may not see (a number only)
     */
    public record Outcome(Refused refused, boolean contentShown, List<EntryVerdict> shown,
                          Map<Withheld, Integer> withheld, int wouldSee, int notShown) {
        public Outcome {
            shown = List.copyOf(shown);
            Map<Withheld, Integer> copy = new EnumMap<>(Withheld.class);
            copy.putAll(withheld);
            withheld = Collections.unmodifiableMap(copy);
        }

        public boolean allowed() {
            return refused == null;
        }

        public int withheldCount() {
            return withheld.values().stream().mapToInt(Integer::intValue).sum();
        }

        static Outcome refused(Refused why) {
            return new Outcome(why, false, List.of(), Map.of(), 0, 0);
        }
    }

    /**
     * Combines the decisions.
     *
     * @param previewerRole the previewer's role
     * @param previewer     the policy's decision for the previewer reading the same entries (for an IG officer it
     *                      is a refusal, NO_CLINICAL_ACCESS: they have no clinical view of their own)
     * @param previewed     the policy's decision for the {@link #hypothetical} reader
     */
    public static Outcome decide(Role previewerRole, AccessDecision previewer, AccessDecision previewed) {
        if (!mayPreview(previewerRole)) {
            return Outcome.refused(Refused.PREVIEW_NOT_ALLOWED);
        }
        List<EntryVerdict> wouldSee = previewed.allowed() ? previewed.disclosed() : List.of();
        if (previewerRole == Role.IG_OFFICER) {
            return new Outcome(null, false, wouldSee, previewed.allowed() ? previewed.withheldByReason() : Map.of(),
                    wouldSee.size(), 0);
        }
        if (!previewer.allowed()) {
            return Outcome.refused(previewer.refused());
        }
        Set<EntryId> mine = previewer.disclosed().stream().map(EntryVerdict::entry).collect(Collectors.toSet());
        List<EntryVerdict> shown = wouldSee.stream().filter(v -> mine.contains(v.entry())).toList();
        Map<Withheld, Integer> withheld = new EnumMap<>(Withheld.class);
        if (previewed.allowed()) {
            previewed.entries().stream().filter(v -> !v.disclosed() && mine.contains(v.entry()))
                    .forEach(v -> withheld.merge(v.withheld(), 1, Integer::sum));
        }
        return new Outcome(null, true, shown, withheld, wouldSee.size(), wouldSee.size() - shown.size());
    }
}
