package org.careledger.access;

import org.careledger.shared.Refusal;
import org.careledger.shared.Section;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The sections a grant opens. A scope only narrows what the reader's role view and consent allow; it never widens
 * them (DESIGN.md "Entry sensitivity").
 */
public record GrantScope(Set<Section> sections) {

    public GrantScope {
        if (sections == null || sections.isEmpty() || sections.stream().anyMatch(java.util.Objects::isNull)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a grant scope names at least one section");
        }
        sections = Collections.unmodifiableSet(EnumSet.copyOf(sections));
    }

    public static GrantScope wholeRecord() {
        return new GrantScope(EnumSet.allOf(Section.class));
    }

    public static GrantScope of(Section first, Section... rest) {
        return new GrantScope(EnumSet.of(first, rest));
    }

    public boolean covers(Section section) {
        return sections.contains(section);
    }
}
