package org.careledger.audit;

/** Through what a record was read. */
public enum Channel {
    /** The clinical or patient web interface. */
    WEB,
    /** The REST API used by another system. */
    API,
    /** A FHIR R4 export (Bundle, AuditEvent, Consent). */
    FHIR_EXPORT,
    /** An operator tool on the command line. */
    CLI
}
