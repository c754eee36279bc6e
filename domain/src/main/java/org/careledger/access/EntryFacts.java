package org.careledger.access;

import org.careledger.shared.EntryId;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;

/** What the access policy needs to know of an entry's current version; never its content. */
public record EntryFacts(EntryId entry, int version, Section section, OdsCode authoringOrganisation, UserId author,
                         Sensitivity sensitivity, boolean enteredInError) {
}
