package org.careledger.api.fhir;

import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Code systems, identifier systems and resource ids of the FHIR edge, in one place.
 * <p>
 * National systems are the NHS England ones. CareLedger's own systems live under {@link #BASE}, a placeholder
 * canonical base (the {@code .example} domain is reserved) until the project publishes real canonical URLs.
 * <p>
 * Resource ids inside an exported Bundle are UUIDs and every {@code fullUrl} is {@code urn:uuid:<id>}, so
 * references resolve inside the Bundle without pretending a FHIR server exists: an entry's resource id is its
 * entry id, a Practitioner's its user id; the Patient, Organizations and Provenances get name-based (version 3)
 * UUIDs derived from the NHS number, the ODS code and entry id + version, so the same record exports with the same
 * ids every time.
 */
public final class FhirIds {

    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String DMD = "https://dmd.nhs.uk";
    public static final String UCUM = "http://unitsofmeasure.org";

    public static final String BASE = "https://fhir.careledger.example";
    /** Identifier system of an entry (stable across its versions). */
    public static final String ENTRY_ID = BASE + "/Id/entry";
    /** Identifier system of a person as the identity provider issues them (staff user id, patient user id). */
    public static final String USER_ID = BASE + "/Id/user";
    /** Identifier system of a ledger event (the audit event of a read, the event of a consent decision). */
    public static final String LEDGER_EVENT = BASE + "/Id/ledger-event";
    public static final String SECTION = BASE + "/CodeSystem/record-section";
    public static final String SENSITIVITY = BASE + "/CodeSystem/entry-sensitivity";
    public static final String ROLE = BASE + "/CodeSystem/role";
    public static final String PURPOSE = BASE + "/CodeSystem/purpose";
    public static final String BASIS = BASE + "/CodeSystem/access-basis";
    public static final String CHANNEL = BASE + "/CodeSystem/channel";
    public static final String CONSENT_METHOD = BASE + "/CodeSystem/consent-method";
    public static final String CONSENT_DIRECTION = BASE + "/CodeSystem/sharing-direction";
    public static final String EXT_CONSENT_METHOD = BASE + "/StructureDefinition/consent-method";

    private FhirIds() {
    }

    public static String urn(String uuid) {
        return "urn:uuid:" + uuid;
    }

    public static String patientId(NhsNumber patient) {
        return named("patient", patient.value());
    }

    public static String organisationId(OdsCode organisation) {
        return named("organisation", organisation.value());
    }

    public static String provenanceId(EntryId entry, int version) {
        return named("provenance", entry + "/" + version);
    }

    public static String named(String kind, String key) {
        return UUID.nameUUIDFromBytes(("careledger:" + kind + ":" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static Identifier nhsNumber(NhsNumber patient) {
        return new Identifier().setSystem(NHS_NUMBER).setValue(patient.value());
    }

    public static Identifier ods(OdsCode organisation) {
        return new Identifier().setSystem(ODS).setValue(organisation.value());
    }

    public static Identifier user(UUID user) {
        return new Identifier().setSystem(USER_ID).setValue(user.toString());
    }

    public static Identifier entry(EntryId entry) {
        return new Identifier().setSystem(ENTRY_ID).setValue(entry.toString());
    }

    /** A logical reference to the patient by NHS number (outside a Bundle: AuditEvent, Consent). */
    public static Reference patientByNhsNumber(NhsNumber patient) {
        return new Reference().setType("Patient").setIdentifier(nhsNumber(patient));
    }

    public static Reference organisationByOds(OdsCode organisation) {
        return new Reference().setType("Organization").setIdentifier(ods(organisation));
    }

    /** An instant in UTC, to the millisecond. */
    public static InstantType instant(Instant at) {
        return new InstantType(Date.from(at), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
    }

    /** An instant as a dateTime in UTC, to the millisecond. */
    public static DateTimeType dateTime(Instant at) {
        return new DateTimeType(Date.from(at), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
    }

    /** A calendar date as a dateTime of day precision (no time zone shift). */
    public static DateTimeType date(LocalDate date) {
        return new DateTimeType(date.toString());
    }
}
