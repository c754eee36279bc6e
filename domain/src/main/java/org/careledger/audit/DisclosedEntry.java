package org.careledger.audit;

import org.careledger.shared.EntryId;

/** One entry version that left the system in a read. */
public record DisclosedEntry(EntryId entry, int version) {
}
