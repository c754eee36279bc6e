package org.careledger.shared;

/** How far an entry may travel (DESIGN.md "Entry sensitivity"). */
public enum Sensitivity {
    NORMAL,
    /** Seen only by readers at the authoring organisation, even in an emergency. */
    PRIVATE,
    /** Seen only by its author and by readers an explicit grant names for it. */
    SEALED,
    /** Hidden from the patient's own view; clinicians see it as usual. */
    WITHHELD_FROM_PATIENT
}
