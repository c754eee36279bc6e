package org.careledger.api.fhir;

import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordView;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.audit.trail.PatientAccessHistory;
import org.careledger.reading.ConsentReads;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Section;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.List;

/**
 * Thin FHIR R4 exports for the HTTP edge: each calls the enforcement point or the audit trail (which decide and
 * audit), maps the answer and returns FHIR JSON. No authorisation happens here; the endpoints decide who may call
 * what (a patient only for their own NHS number, IG never the record) and the services below refuse the rest.
 * <p>
 * A refused read is returned as {@link Export#refused()} with no body: the endpoint answers it like any refusal
 * (the refusal is already audited by RecordReads).
 */
@Service
public class FhirExports {

    private final RecordReads reads;
    private final AuditTrail trail;
    private final PatientAccessHistory patientHistory;
    private final ConsentReads consents;
    private final Clock clock;
    private final FhirNames names;

    public FhirExports(RecordReads reads, AuditTrail trail, PatientAccessHistory patientHistory,
                       ConsentReads consents, ObjectProvider<Clock> clock,
                       ObjectProvider<FhirNames> names) {
        this.reads = reads;
        this.trail = trail;
        this.patientHistory = patientHistory;
        this.consents = consents;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.names = names.getIfAvailable(() -> FhirNames.NONE);
    }

    /** The result of an export: the FHIR JSON, or the refusal of the read (nothing else). */
    public record Export(String json, RecordRead read) {
        public boolean refused() {
            return !read.allowed();
        }
    }

    /**
     * The record as the reader may see it, as a collection Bundle; the read is audited on channel FHIR_EXPORT as
     * view EXPORT (the same enforcement point and decision as opening it on screen).
     */
    public Export record(Reader reader, NhsNumber patient, Purpose purpose) {
        RecordRead read = reads.open(reader, patient, purpose, Channel.FHIR_EXPORT, RecordView.EXPORT);
        if (!read.allowed()) {
            return new Export(null, read);
        }
        return new Export(FhirR4.encode(RecordBundleMapper.recordBundle(read, read.registeredPractice(), names,
                clock.instant())), read);
    }

    /** The versions of one entry the reader may see, as a history Bundle. */
    public Export entryHistory(Reader reader, NhsNumber patient, EntryId entry, Section section, Purpose purpose) {
        RecordRead read = reads.history(reader, patient, entry, purpose, Channel.FHIR_EXPORT);
        if (!read.allowed()) {
            return new Export(null, read);
        }
        return new Export(FhirR4.encode(RecordBundleMapper.historyBundle(read, section, read.registeredPractice(),
                names, clock.instant())), read);
    }

    /** A page of AuditEvents and the cursor of the next page (null on the last). */
    public record AuditExport(Bundle bundle, AuditPage.Cursor next) {
        public String json() {
            return FhirR4.encode(bundle);
        }
    }

    /** One page of a patient's access history as a collection Bundle of AuditEvents (IG only: AuditTrail checks). */
    public String accessHistory(Actor by, NhsNumber patient, AuditPeriod period, AuditPage.Request page) {
        return accessHistoryPage(by, patient, period, page).json();
    }

    /**
     * One page of a patient's access history for IG (AuditTrail checks the role and appends AuditTrailQueried
     * before reading). Rows hold ids, codes and versions, never record content.
     */
    public AuditExport accessHistoryPage(Actor by, NhsNumber patient, AuditPeriod period, AuditPage.Request page) {
        AuditPage<AuditRecord> rows = trail.accessesToPatient(by, patient, period, page);
        return new AuditExport(AuditEventMapper.bundle(rows.items(), names, clock.instant()), rows.next());
    }

    /**
     * One page of the signed-in patient's own access history, through the same query as the REST "access history
     * in plain words" ({@link PatientAccessHistory}: only the patient asks, and asking is audited there exactly as
     * for the REST endpoint), as a Bundle of AuditEvents, newest first.
     */
    public AuditExport myAccessHistory(Actor patientActor, NhsNumber patient, AuditPeriod period,
                                       AuditPage.Request page) {
        AuditPage<PatientAccessHistory.Access> rows = patientHistory.of(patientActor, patient, period, page);
        return new AuditExport(AuditEventMapper.patientBundle(patient, rows.items(), clock.instant()), rows.next());
    }

    /**
     * The signed-in patient's consent to share as a collection Bundle of Consent resources, from their consent
     * stream in the ledger (the only place that keeps how, by whom and when each decision was recorded), read
     * through ConsentReads, which decides (the patient, for themself) and appends ConsentViewed (FHIR_EXPORT, EXPORT)
     * before anything is returned. Consent holds no clinical content.
     */
    public String consent(Reader patient) {
        List<SharingConsents.Recorded> stream = consents.export(patient, Channel.FHIR_EXPORT).stream()
                .map(r -> new SharingConsents.Recorded(r.eventId(), r.event()))
                .toList();
        return FhirR4.encode(ConsentMapper.bundle(SharingConsents.fromLedger(patient.self(), stream), names,
                clock.instant()));
    }
}
