package org.careledger.reading;

import org.careledger.record.EntryContent;
import org.careledger.shared.EntryId;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.time.LocalDate;

/** One disclosed entry of a current read: its latest version, as the reader's role view holds it. */
public record ReadEntry(EntryId entry, int version, Section section, OdsCode authoringOrganisation, UserId author,
                        Sensitivity sensitivity, EntryContent content, Instant recordedAt, LocalDate effectiveDate) {
}
