package org.careledger.bulk;

import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bulk write path (issue 9): many patients' commands appended in one transaction, each patient all or nothing.
 * The aggregates' own command handlers decide every command (the same validation code as the command path), the
 * events are stored by the same event storage engine (identical rows), and the views, registers and audit trail are
 * written in the same transaction, so nobody can read a half-written patient.
 */
public interface BulkWriter {

    /** One patient's commands, in order. {@code key} names the patient in reports (a file and resource id, ids only). */
    record PatientCommands(String key, NhsNumber patient, List<? extends Command> commands) {
        public PatientCommands {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(patient, "patient");
            commands = List.copyOf(commands);
        }
    }

    /**
     * What became of one patient: written (with the number of events per event type), or refused with the index
     * of the refused command and a reason that names ids only. A refused patient leaves nothing behind.
     */
    record Outcome(String key, NhsNumber patient, boolean written, Map<String, Long> eventsByType,
                   int refusedCommand, String reason) {

        public long events() {
            return eventsByType.values().stream().mapToLong(Long::longValue).sum();
        }

        public static Outcome written(String key, NhsNumber patient, Map<String, Long> eventsByType) {
            return new Outcome(key, patient, true, Map.copyOf(eventsByType), -1, null);
        }

        public static Outcome refused(String key, NhsNumber patient, int refusedCommand, String reason) {
            return new Outcome(key, patient, false, Map.of(), refusedCommand, reason);
        }
    }

    /**
     * Writes the patients: those whose every command is accepted are committed together; a patient with a refused
     * command is left out entirely (its outcome says why) and the others are still written. Returns one outcome per
     * patient, in input order. Patients must be distinct within one call.
     */
    List<Outcome> write(List<PatientCommands> patients);

    /**
     * Writes directory commands (organisations, teams, staff, roles) in bulk: grouped by the aggregate they address,
     * each aggregate's commands in order and all or nothing (its outcome's key is the aggregate id, the patient
     * null), organisations before staff, so a role or team membership finds its organisation or team registered.
     */
    List<Outcome> writeDirectory(List<? extends Command> commands);
}
