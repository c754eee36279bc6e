package org.careledger.api.fhir;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.audit.timetravel.WhoCouldHaveSeen;
import org.careledger.audit.timetravel.WhoCouldHaveSeenRecord;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Time travel as FHIR R4: the answer of the {@code $who-could-see} operation is a {@code Parameters} resource, the
 * shape FHIR gives an operation's computed result. A Bundle of PractitionerRole would claim standing jobs and need
 * extensions for the basis, the grant, the sections and the receipt; Parameters carries them as named, typed parts
 * with the project's code systems. One {@code reader} parameter per possible reader: {@code who} (a Practitioner by
 * user id, or the Patient by NHS number), {@code role}, {@code organization}, {@code basis}, {@code grant},
 * {@code emergency}, then {@code version} (entry question) or one {@code section} per section with its
 * {@code entries} count and {@code withheld} (record question), and {@code receipt} (the ledger events the decision
 * relied on). Ids and codes only: never content.
 */
public final class WhoCouldHaveSeenMapper {

    public static final String GRANT_ID = FhirIds.BASE + "/Id/grant";
    public static final String EMERGENCY_ID = FhirIds.BASE + "/Id/emergency-access";

    private WhoCouldHaveSeenMapper() {
    }

    public static Parameters entry(WhoCouldHaveSeen answer) {
        Parameters parameters = common(answer.patient(), answer.at(), answer.policyVersion());
        parameters.addParameter().setName("entry").setValue(FhirIds.entry(answer.entry()));
        parameters.addParameter().setName("entryExisted").setValue(new BooleanType(answer.entryExisted()));
        if (answer.entryExisted()) {
            parameters.addParameter().setName("entryVersion").setValue(new IntegerType(answer.facts().version()));
            parameters.addParameter().setName("entrySection").setValue(section(answer.facts().section()));
            parameters.addParameter().setName("authoringOrganization")
                    .setValue(FhirIds.ods(answer.facts().authoringOrganisation()));
        }
        for (WhoCouldHaveSeen.PossibleReader r : answer.readers()) {
            ParametersParameterComponent reader = reader(parameters, answer.patient(), r.user(), r.role(),
                    r.organisation(), r.basis(), r.grant(), r.emergency());
            reader.addPart().setName("version").setValue(new IntegerType(r.version()));
            receipt(reader, r.receipt());
        }
        return parameters;
    }

    public static Parameters record(WhoCouldHaveSeenRecord answer) {
        Parameters parameters = common(answer.patient(), answer.at(), answer.policyVersion());
        if (answer.registeredPractice() != null) {
            parameters.addParameter().setName("registeredPractice").setValue(FhirIds.ods(answer.registeredPractice()));
        }
        parameters.addParameter().setName("entries").setValue(new IntegerType(answer.entries()));
        for (WhoCouldHaveSeenRecord.PossibleReader r : answer.readers()) {
            ParametersParameterComponent reader = reader(parameters, answer.patient(), r.user(), r.role(),
                    r.organisation(), r.basis(), r.grant(), r.emergency());
            for (Map.Entry<Section, Integer> s : r.sections().entrySet()) {
                ParametersParameterComponent section = reader.addPart().setName("section");
                section.addPart().setName("code").setValue(section(s.getKey()));
                section.addPart().setName("entries").setValue(new IntegerType(s.getValue()));
            }
            reader.addPart().setName("withheld").setValue(new IntegerType(r.withheld()));
            receipt(reader, r.receipt());
        }
        return parameters;
    }

    private static Parameters common(NhsNumber patient, java.time.Instant at, String policyVersion) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("patient").setValue(FhirIds.nhsNumber(patient));
        parameters.addParameter().setName("at").setValue(FhirIds.instant(at));
        parameters.addParameter().setName("policyVersion").setValue(new StringType(policyVersion));
        return parameters;
    }

    private static ParametersParameterComponent reader(Parameters parameters, NhsNumber patient, UserId user,
                                                       Role role, OdsCode organisation, Basis basis, GrantId grant,
                                                       EmergencyAccessId emergency) {
        ParametersParameterComponent reader = parameters.addParameter().setName("reader");
        reader.addPart().setName("who").setValue(role == Role.PATIENT ? FhirIds.patientByNhsNumber(patient)
                : new Reference().setType("Practitioner").setIdentifier(FhirIds.user(user.value())));
        reader.addPart().setName("role").setValue(new Coding(FhirIds.ROLE, role.name(), null));
        if (organisation != null) {
            reader.addPart().setName("organization").setValue(FhirIds.ods(organisation));
        }
        reader.addPart().setName("basis").setValue(new Coding(FhirIds.BASIS, basis.name(), null));
        if (grant != null) {
            reader.addPart().setName("grant").setValue(new Identifier().setSystem(GRANT_ID)
                    .setValue(grant.value().toString()));
        }
        if (emergency != null) {
            reader.addPart().setName("emergency").setValue(new Identifier().setSystem(EMERGENCY_ID)
                    .setValue(emergency.value().toString()));
        }
        return reader;
    }

    private static void receipt(ParametersParameterComponent reader, Set<String> receipt) {
        for (String event : new TreeSet<>(receipt)) {
            reader.addPart().setName("receipt").setValue(new Identifier().setSystem(FhirIds.LEDGER_EVENT)
                    .setValue(event));
        }
    }

    private static Coding section(Section section) {
        return new Coding(FhirIds.SECTION, section.name(), null);
    }
}
