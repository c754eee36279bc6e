package org.careledger.api.migration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.migration.FhirImport;
import org.careledger.migration.FhirImports;
import org.careledger.migration.ImportReport;
import org.careledger.reading.DirectoryReads;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.Locale;

/**
 * The administrator's way to migrate records (issue 9, docs/migration.md): one FHIR R4 Bundle
 * ({@code application/fhir+json}) or bulk NDJSON ({@code application/fhir+ndjson}) per request, imported through the
 * bulk write path exactly as {@code careledger import} does. Regional administrators only (the role that keeps the
 * directory; the import's commands are written by the migration user of the source system, registered at the
 * target practice). Answers the JSON summary; a body that cannot be read at all is 400 problem+json.
 */
@RestController
@RequestMapping("/api/admin/imports")
@Tag(name = "migration", description = "Import of FHIR R4 records from earlier systems (administrators)")
class ImportController {

    private static final Logger log = LoggerFactory.getLogger(ImportController.class);

    private final FhirImports imports;
    private final DirectoryReads directory;

    ImportController(FhirImports imports, DirectoryReads directory) {
        this.imports = imports;
        this.directory = directory;
    }

    @PostMapping(consumes = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE, "application/fhir+ndjson",
            "application/x-ndjson", "application/ndjson"}, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Import a FHIR R4 Bundle or bulk NDJSON body; answers the import summary")
    ObjectNode importRecords(@AuthenticationPrincipal SignedInUser user,
                             @RequestParam(required = false) String practice,
                             @RequestParam(defaultValue = FhirImport.DEFAULT_SOURCE_SYSTEM) String source,
                             @RequestParam(defaultValue = "false") boolean assignNhsNumbers,
                             HttpServletRequest request) throws IOException {
        OdsCode ods = practice == null ? null : OdsCode.of(practice);
        if (ods != null && directory.organisations().stream()
                .noneMatch(o -> o.ods().equals(ods) && o.type() == OrganisationType.GP_PRACTICE)) {
            throw new ProblemException(Problem.UNKNOWN_ORGANISATION, "organisation " + ods + " is not a registered GP practice");
        }
        FhirImport.Options options = new FhirImport.Options(source, ods, assignNhsNumbers, 50);
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        boolean ndjson = type.contains("ndjson");
        ImportReport report = imports.run(options, "request body", request.getInputStream(), ndjson);
        log.info("import by user {}: {} imported, {} already present, {} rejected", user.user(), report.imported(),
                report.alreadyPresent(), report.rejectedPatients());
        if (report.imported() + report.alreadyPresent() + report.rejectedPatients() == 0) {
            String reason = report.rejections().isEmpty() ? "the body holds no patient"
                    : report.rejections().get(0).reason();
            throw new ProblemException(Problem.MALFORMED_REQUEST, reason);
        }
        return report.toJson();
    }
}
