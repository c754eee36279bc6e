package org.careledger.shared;

/** The roles of DESIGN.md, plus ADMINISTRATOR, who keeps the directory and the policy and reads no record. */
public enum Role {
    GP,
    PRACTICE_NURSE,
    PRACTICE_ADMIN,
    DISTRICT_NURSE,
    MENTAL_HEALTH_PRACTITIONER,
    SOCIAL_WORKER,
    PHARMACIST,
    OOH_CLINICIAN,
    SPECIALIST,
    IG_OFFICER,
    PATIENT,
    ADMINISTRATOR;

    public boolean isStaff() {
        return this != PATIENT;
    }
}
