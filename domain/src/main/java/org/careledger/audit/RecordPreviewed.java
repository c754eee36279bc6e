package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.access.AccessDecision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;

import java.time.Instant;
import java.util.List;

/**
 * Someone previewed what another role at an organisation would see of a record now ("view as", ADR 24). Appended
 * before the preview is returned; if it cannot be stored, nothing is returned. {@code by} is the previewer (a GP or
 * an IG officer); {@code asRole} at {@code asOrganisation} the reader previewed, who would have read on
 * {@code basis} or been refused for {@code refused}, under {@code policyVersion} with {@code receipt} (the events
 * that decision relied on). {@code disclosed}: exactly the entry versions the preview showed the previewer — with
 * their content when {@code contentShown} (a GP: only entries the GP may see too), as ids and sections only when not
 * (an IG officer). {@code wouldSee}: how many entries the previewed reader would see; {@code withheld}: how many of
 * those the preview reported as withheld from them; {@code notShown}: how many the previewed reader would see that
 * the previewer may not (reported to the previewer as a number only).
 */
@Revision("1")
public record RecordPreviewed(NhsNumber patient, Role asRole, OdsCode asOrganisation, AccessDecision.Basis basis,
                              AccessDecision.Refused refused, Purpose purpose, Channel channel, String policyVersion,
                              List<String> receipt, List<DisclosedEntry> disclosed, boolean contentShown,
                              int wouldSee, int withheld, int notShown, Actor by, Instant at) implements AuditEvent {
}
