package org.careledger.shared;

/**
 * A command or value the ledger refuses. Every refusal has a stable {@link Kind} (the HTTP edge maps it to a
 * problem+json type) and a message that names ids only, never record content.
 */
public final class Refusal extends RuntimeException {

    /** The stable kinds of refusal. Their names are part of the API contract: add, never rename. */
    public enum Kind {
        INVALID_NHS_NUMBER,
        INVALID_ODS_CODE,
        INVALID_CLINICAL_CODE,
        INVALID_INPUT,
        NOT_PERMITTED,
        UNKNOWN_ORGANISATION,
        UNKNOWN_TEAM,
        UNKNOWN_STAFF_MEMBER,
        UNKNOWN_PATIENT,
        UNKNOWN_ENTRY,
        UNKNOWN_GRANT,
        ALREADY_EXISTS,
        ENTRY_ENTERED_IN_ERROR,
        SECTION_NOT_WRITABLE,
        NOT_AUTHORING_ORGANISATION,
        INVALID_VALIDITY_WINDOW,
        EXCEEDS_POLICY_MAXIMUM,
        GRANT_ALREADY_REVOKED,
        /** An IG alert case is closed: it is neither reviewed nor closed again. */
        ALERT_ALREADY_CLOSED,
        EMERGENCY_NOT_PERMITTED,
        REASON_REQUIRED,
        CONFLICTING_STATE,
        /** The writer's expected entry version (HTTP If-Match) is no longer the latest. */
        STALE_VERSION,
        /**
         * The actor holds no basis (registration, grant, emergency) for the patient the write is about. The HTTP edge
         * answers it exactly as an unknown patient, so a write cannot probe whether a patient exists.
         */
        NO_CARE_RELATIONSHIP
    }

    private final Kind kind;

    public Refusal(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Refusal of(Kind kind, String message) {
        return new Refusal(kind, message);
    }

    /** Refuses unless the condition holds. */
    public static void require(boolean condition, Kind kind, String message) {
        if (!condition) {
            throw new Refusal(kind, message);
        }
    }

    /** Refuses a missing or blank reason; a reason is free text and never goes into a message. */
    public static String requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw new Refusal(Kind.REASON_REQUIRED, what + " needs a reason");
        }
        return Values.text(reason, "the reason for " + what).strip();
    }

    public static <T> T requireValue(T value, String field) {
        if (value == null) {
            throw new Refusal(Kind.INVALID_INPUT, field + " is required");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Refusal[" + kind + "]: " + getMessage();
    }
}
