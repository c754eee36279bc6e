package org.careledger.api.record;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.access.AccessDecision;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordPreviews;
import org.careledger.reading.RecordPreviews.RecordPreview;
import org.careledger.record.EntryContent;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "View as" (ADR 24): a GP (for a record they can open) or an IG officer previews what someone in another role at an
 * organisation would see of the record now. Everything is decided and audited by {@link RecordPreviews}; a preview
 * refused because the previewer cannot open the record answers as an unknown patient (404
 * {@code record-not-available}), one refused because of the previewer's role answers 403 {@code forbidden}.
 */
@RestController
@Tag(name = "record")
class PreviewController {

    private final RecordPreviews previews;

    PreviewController(RecordPreviews previews) {
        this.previews = previews;
    }

    /**
     * A preview: whether the previewed reader could open the record ({@code basis}, or {@code refused}: NO_BASIS),
     * the entries shown to you (with content for a GP — only entries you may see yourself; ids and sections only for
     * an IG officer: {@code contentShown}), per reason how many entries they would be denied (counted over entries
     * you may see), how many they would see in all ({@code wouldSee}) and how many of those you may not see
     * ({@code notShown}, a number only), and the audit event of this preview.
     */
    record RecordPreviewView(String patient, String asRole, String asOrganisation, String basis, String refused,
                             String policyVersion, boolean contentShown, List<Entry> entries,
                             Map<String, Integer> withheldReasons, int wouldSee, int withheld, int notShown,
                             String auditEvent) {
    }

    /** An entry shown: its id, version and section; the rest only when content is shown. */
    record Entry(String entry, int version, String section, String sensitivity, String authoringOrganisation,
                 String author, Instant recordedAt, EntryContent content) {
        static Entry of(ReadEntry e) {
            return new Entry(e.entry().toString(), e.version(), e.section().name(),
                    e.sensitivity() == null ? null : e.sensitivity().name(),
                    e.authoringOrganisation() == null ? null : e.authoringOrganisation().value(),
                    e.author() == null ? null : e.author().toString(), e.recordedAt(), e.content());
        }
    }

    @GetMapping("/api/patients/{nhsNumber}/record/preview")
    @Operation(summary = "View as: what someone in another role at an organisation would see of this record now "
            + "(GP or IG officer; audited)")
    RecordPreviewView preview(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                              @Parameter(description = "the role to preview, e.g. DISTRICT_NURSE") @RequestParam Role role,
                              @Parameter(description = "the ODS code of the organisation") @RequestParam String organisation,
                              @RequestParam Purpose purpose) {
        RecordPreview p = previews.preview(user.reader(), NhsNumber.of(nhsNumber), role, OdsCode.of(organisation),
                purpose, Channel.API);
        if (p.refused() == AccessDecision.Refused.PREVIEW_NOT_ALLOWED) {
            throw new ProblemException(Problem.FORBIDDEN,
                    "Only a GP or an IG officer may preview another role's view. Your attempt has been recorded.");
        }
        if (!p.allowed()) {
            throw new ProblemException(Problem.RECORD_NOT_AVAILABLE, Problem.RECORD_NOT_AVAILABLE_DETAIL);
        }
        Map<String, Integer> reasons = new TreeMap<>();
        p.withheldReasons().forEach((reason, count) -> reasons.put(reason.name(), count));
        return new RecordPreviewView(p.patient().value(), p.asRole().name(), p.asOrganisation().value(),
                p.basis() == null ? null : p.basis().name(),
                p.previewedRefused() == null ? null : p.previewedRefused().name(), p.policyVersion(),
                p.contentShown(), p.entries().stream().map(Entry::of).toList(), reasons, p.wouldSee(), p.withheld(),
                p.notShown(), p.auditEvent());
    }
}
