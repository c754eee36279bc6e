package org.careledger.api.record;

import org.careledger.storage.TimeOrderedIdentifierFactory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.careledger.api.Commands;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.record.Demographics;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * A patient's record for clinicians (and, for their own NHS number, for the patient): open it in the reader's role
 * view, read an entry's history, write entries. Every read goes through {@link RecordReads} (audited; a refusal is
 * audited too and answers exactly as an unknown patient: 404 {@code record-not-available}). Writes are commands;
 * an entry's ETag is its version, and amend / mark in error / change sensitivity require If-Match.
 */
@RestController
@RequestMapping("/api/patients/{nhsNumber}")
@Tag(name = "record", description = "Open a record, read an entry's history, record and change entries")
class RecordController {

    private final RecordReads reads;
    private final Commands commands;

    RecordController(RecordReads reads, Commands commands) {
        this.reads = reads;
        this.commands = commands;
    }

    record NewEntry(@NotNull Section section, Sensitivity sensitivity, @NotNull @Valid EntryContent content) {
    }

    record Amendment(@NotNull EntryContent content, @NotBlank @Size(max = 2000) String reason) {
    }

    record Reason(@NotBlank @Size(max = 2000) String reason) {
    }

    record SensitivityChange(@NotNull Sensitivity sensitivity, @NotBlank @Size(max = 2000) String reason) {
    }

    record Written(String entry, int version) {
    }

    record Registration(@NotNull @Valid Demographics demographics) {
    }

    @PostMapping
    @Operation(summary = "Register a patient at your GP practice (opens their record)")
    ResponseEntity<Void> register(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                  @Valid @RequestBody Registration body) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        commands.send(new RegisterPatient(patient, body.demographics(), user.organisation(), user.actor(),
                commands.now()));
        return ResponseEntity.created(URI.create("/api/patients/" + patient.value() + "/record")).build();
    }

    @GetMapping("/record")
    @Operation(summary = "Open the patient's record in your role's view, for a stated purpose (audited)")
    RecordView open(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                    @RequestParam Purpose purpose) {
        RecordRead read = reads.open(user.reader(), NhsNumber.of(nhsNumber), purpose, Channel.API);
        return RecordView.of(available(read));
    }

    @GetMapping("/entries/{entry}/history")
    @Operation(summary = "Every version of one entry you may see (audited); ETag is the latest version")
    ResponseEntity<EntryHistory> history(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                         @PathVariable String entry, @RequestParam Purpose purpose) {
        RecordRead read = available(reads.history(user.reader(), NhsNumber.of(nhsNumber), EntryId.of(entry), purpose,
                Channel.API));
        if (read.versions().isEmpty()) {
            throw new ProblemException(Problem.UNKNOWN_ENTRY, "No entry " + entry + " that you may see.");
        }
        EntryHistory history = EntryHistory.of(read);
        return ResponseEntity.ok().eTag(etag(history.latestVersion())).body(history);
    }

    @PostMapping("/entries")
    @Operation(summary = "Record a new entry (version 1) authored by you at your organisation")
    ResponseEntity<Written> record(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                   @Valid @RequestBody NewEntry body) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        EntryId entry = new EntryId(TimeOrderedIdentifierFactory.timeOrdered());
        commands.send(new RecordEntry(patient, entry, body.section(),
                body.content(), body.sensitivity() == null ? Sensitivity.NORMAL : body.sensitivity(), user.actor(),
                commands.now()));
        return ResponseEntity.created(URI.create("/api/patients/" + patient.value() + "/entries/" + entry + "/history"))
                .eTag(etag(1)).body(new Written(entry.toString(), 1));
    }

    @PostMapping("/entries/{entry}/amendments")
    @Operation(summary = "Amend an entry: a new version with a reason. Requires If-Match: the version you read")
    ResponseEntity<Written> amend(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                  @PathVariable String entry,
                                  @Parameter(description = "the entry version you read, as its ETag") @RequestHeader(HttpHeaders.IF_MATCH) String ifMatch,
                                  @Valid @RequestBody Amendment body) {
        Integer expected = version(ifMatch);
        commands.send(new AmendEntry(NhsNumber.of(nhsNumber), EntryId.of(entry), body.content(), body.reason(),
                expected, user.actor(), commands.now()));
        if (expected == null) {
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.ok().eTag(etag(expected + 1)).body(new Written(entry, expected + 1));
    }

    @PostMapping("/entries/{entry}/entered-in-error")
    @Operation(summary = "Mark an entry entered in error, with a reason. Requires If-Match")
    ResponseEntity<Void> markInError(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                     @PathVariable String entry, @RequestHeader(HttpHeaders.IF_MATCH) String ifMatch,
                                     @Valid @RequestBody Reason body) {
        commands.send(new MarkEntryEnteredInError(NhsNumber.of(nhsNumber), EntryId.of(entry), body.reason(),
                version(ifMatch), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/entries/{entry}/sensitivity")
    @Operation(summary = "Change an entry's sensitivity, with a reason. Requires If-Match")
    ResponseEntity<Void> sensitivity(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                     @PathVariable String entry, @RequestHeader(HttpHeaders.IF_MATCH) String ifMatch,
                                     @Valid @RequestBody SensitivityChange body) {
        commands.send(new ChangeEntrySensitivity(NhsNumber.of(nhsNumber), EntryId.of(entry), body.sensitivity(),
                body.reason(), version(ifMatch), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    /** A refused read (audited by RecordReads) answers exactly as an unknown patient. */
    static RecordRead available(RecordRead read) {
        if (!read.allowed() || read.demographics() == null) {
            throw new ProblemException(Problem.RECORD_NOT_AVAILABLE, Problem.RECORD_NOT_AVAILABLE_DETAIL);
        }
        return read;
    }

    private static String etag(int version) {
        return "\"" + version + "\"";
    }

    /** If-Match: an entry version as its ETag ("3", W/"3" or 3); "*" matches any version. */
    static Integer version(String ifMatch) {
        String tag = ifMatch.strip();
        if (tag.equals("*")) {
            return null;
        }
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        try {
            int version = Integer.parseInt(tag);
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.VALIDATION_FAILED, "If-Match must be an entry version's ETag, like \"2\".");
        }
    }
}
