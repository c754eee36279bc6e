package org.careledger.shared;

/** The record sections of DESIGN.md; every entry belongs to exactly one. */
public enum Section {
    DEMOGRAPHICS,
    PROBLEMS,
    MEDICATIONS,
    ALLERGIES,
    OBSERVATIONS,
    TEST_RESULTS,
    IMMUNISATIONS,
    CONSULTATIONS,
    DOCUMENTS,
    REFERRALS,
    CARE_PLANS,
    COMMUNITY_NURSING,
    MENTAL_HEALTH,
    SOCIAL_CARE,
    SAFEGUARDING;

    /** Sections whose entries are coded facts and must carry a clinical code. */
    public boolean requiresCode() {
        return switch (this) {
            case PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS, TEST_RESULTS, IMMUNISATIONS -> true;
            default -> false;
        };
    }
}
