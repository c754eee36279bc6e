package org.careledger.api.problem;

import org.careledger.shared.Refusal;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.Locale;

/**
 * Every kind of error the API answers, each with a stable RFC 9457 {@code type} URI
 * ({@code urn:careledger:problem:<kind>}), its HTTP status and title. The names are an API contract: add, never
 * rename. One per {@link Refusal.Kind} (same name), plus the edge's own kinds.
 */
public enum Problem {
    // ---- refusals of the ledger (one per Refusal.Kind) ----
    INVALID_NHS_NUMBER(HttpStatus.BAD_REQUEST, "Invalid NHS number"),
    INVALID_ODS_CODE(HttpStatus.BAD_REQUEST, "Invalid ODS code"),
    INVALID_CLINICAL_CODE(HttpStatus.BAD_REQUEST, "Invalid clinical code"),
    INVALID_INPUT(HttpStatus.BAD_REQUEST, "Invalid input"),
    NOT_PERMITTED(HttpStatus.FORBIDDEN, "Not permitted"),
    UNKNOWN_ORGANISATION(HttpStatus.UNPROCESSABLE_ENTITY, "Unknown organisation"),
    UNKNOWN_TEAM(HttpStatus.UNPROCESSABLE_ENTITY, "Unknown team"),
    UNKNOWN_STAFF_MEMBER(HttpStatus.UNPROCESSABLE_ENTITY, "Unknown staff member"),
    UNKNOWN_ENTRY(HttpStatus.NOT_FOUND, "Unknown entry"),
    UNKNOWN_GRANT(HttpStatus.NOT_FOUND, "Unknown grant"),
    ALREADY_EXISTS(HttpStatus.CONFLICT, "Already exists"),
    ENTRY_ENTERED_IN_ERROR(HttpStatus.CONFLICT, "Entry is marked entered in error"),
    SECTION_NOT_WRITABLE(HttpStatus.FORBIDDEN, "Section not writable in this role"),
    NOT_AUTHORING_ORGANISATION(HttpStatus.FORBIDDEN, "Only the authoring organisation may change this entry"),
    INVALID_VALIDITY_WINDOW(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid validity window"),
    EXCEEDS_POLICY_MAXIMUM(HttpStatus.UNPROCESSABLE_ENTITY, "Exceeds the policy maximum"),
    GRANT_ALREADY_REVOKED(HttpStatus.CONFLICT, "Grant already revoked"),
    ALERT_ALREADY_CLOSED(HttpStatus.CONFLICT, "Alert already closed"),
    EMERGENCY_NOT_PERMITTED(HttpStatus.FORBIDDEN, "Emergency access not permitted in this role"),
    REASON_REQUIRED(HttpStatus.BAD_REQUEST, "A reason is required"),
    CONFLICTING_STATE(HttpStatus.CONFLICT, "Conflicts with the current state"),

    // ---- the edge's own ----
    /**
     * A record read without a basis, a write without a care relationship, or either for an unknown patient: the same
     * answer for all (no probing).
     */
    RECORD_NOT_AVAILABLE(HttpStatus.NOT_FOUND, "Record not available"),
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "Validation failed"),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "Malformed request body"),
    WRONG_TYPE(HttpStatus.BAD_REQUEST, "Wrong type"),
    MISSING_FIELD(HttpStatus.BAD_REQUEST, "Missing field"),
    MISSING_PARAMETER(HttpStatus.BAD_REQUEST, "Missing parameter"),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "Sign-in required"),
    INVALID_TOKEN(HttpStatus.UNAUTHORIZED, "Invalid or expired token"),
    /** The token is genuine, but the directory no longer holds its role at its organisation (or its patient). */
    SIGN_IN_ENDED(HttpStatus.UNAUTHORIZED, "Sign-in no longer held in the directory"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Not allowed in this role"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    PAYLOAD_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE, "Request body too large"),
    /** Someone else changed the same stream at the same moment: retry with fresh state. */
    CONCURRENT_CHANGE(HttpStatus.CONFLICT, "Changed concurrently"),
    /** If-Match named an entry version that is no longer the latest. */
    STALE_VERSION(HttpStatus.PRECONDITION_FAILED, "Entry changed since you read it"),
    PRECONDITION_REQUIRED(HttpStatus.PRECONDITION_REQUIRED, "If-Match required"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    /** The database cannot be reached: nothing was read or written; retry later (see Retry-After). */
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");

    public static final String TYPE_PREFIX = "urn:careledger:problem:";

    private final HttpStatus status;
    private final String title;

    Problem(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    /**
     * The problem for a refusal: the one of the same name, except UNKNOWN_PATIENT and NO_CARE_RELATIONSHIP (a write
     * by someone with no basis for the patient), which answer exactly as a record the caller may not open
     * ({@link #RECORD_NOT_AVAILABLE}): nobody learns whether a patient exists by probing, reading or writing.
     */
    public static Problem of(Refusal.Kind kind) {
        return kind == Refusal.Kind.UNKNOWN_PATIENT || kind == Refusal.Kind.NO_CARE_RELATIONSHIP
                ? RECORD_NOT_AVAILABLE : valueOf(kind.name());
    }

    /** The one body every unavailable record gets, whatever the reason. */
    public static final String RECORD_NOT_AVAILABLE_DETAIL =
            "There is no record you may open for this NHS number.";

    public HttpStatus status() {
        return status;
    }

    public URI type() {
        return URI.create(TYPE_PREFIX + name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /** The problem body; {@code detail} must name ids only, never record content or request text. */
    public ProblemDetail detail(String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(type());
        body.setTitle(title);
        return body;
    }
}
