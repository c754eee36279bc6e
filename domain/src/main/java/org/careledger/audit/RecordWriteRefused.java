package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/**
 * A write to a record was refused as a refusal of access: the writer has no care relationship with the patient, or
 * the patient is unknown (both answer alike), or the writer's role or organisation may not do it ({@code reason}
 * NOT_PERMITTED or SECTION_NOT_WRITABLE, e.g. a transfer of registration by someone not at a GP practice). Nothing of
 * the command was stored; this says someone tried. {@code command} is the command's name (e.g. {@code RecordEntry}),
 * never its content.
 */
@Revision("1")
public record RecordWriteRefused(NhsNumber patient, String command, Refusal.Kind reason, Actor by, Instant at)
        implements AuditEvent {
}
