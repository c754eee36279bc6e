package org.careledger.audit.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.careledger.record.Demographics;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.shared.NhsNumber;
import org.careledger.storage.LedgerJson;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The patient demographics index (tracking processor {@value SearchConfiguration#PATIENTS}): one document per
 * patient, id = NHS number, version = the global index of the latest demographic event it reflects. A document is
 * always built whole from the patient's registration, demographic updates and transfers in the ledger up to that
 * index (never patched), so it is the same however often and in whatever order events arrive: current name, date of
 * birth, postcode and practice, plus every former name and postcode. Demographics only: nothing of the record.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
@ProcessingGroup(SearchConfiguration.PATIENTS)
public class PatientDocuments {

    private static final String[] TYPES = {PatientRegistered.class.getName(), DemographicsUpdated.class.getName(),
            RegistrationTransferred.class.getName()};

    private final JdbcTemplate jdbc;
    private final SearchIndices indices;
    private final ObjectMapper json = LedgerJson.mapper();

    public PatientDocuments(JdbcTemplate jdbc, SearchIndices indices) {
        this.jdbc = jdbc;
        this.indices = indices;
    }

    @EventHandler
    void on(PatientRegistered e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(DemographicsUpdated e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(RegistrationTransferred e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    private void flush(List<LedgerBatch.Pending> batch) {
        Set<String> patients = new LinkedHashSet<>();
        for (LedgerBatch.Pending pending : batch) {
            patients.add(patientOf(pending.payload()).value());
        }
        List<SearchIndices.Doc> docs = new ArrayList<>();
        for (String patient : patients) {
            Map<String, Object> doc = document(patient);
            docs.add(new SearchIndices.Doc(SearchIndices.PATIENTS, patient, (Long) doc.get("global_index"), doc));
        }
        indices.bulk(docs);
    }

    /**
     * The patient's document: built from all their demographic events the ledger holds now, versioned by the highest
     * global index among them. An event that committed late, below that index (ADR 22), is therefore included the
     * next time the document is built, at the same version, which {@code external_gte} lets overwrite.
     */
    Map<String, Object> document(String patient) {
        List<Object[]> rows = jdbc.query(connection -> {
            var select = connection.prepareStatement("""
                    SELECT payload_type, payload, global_index FROM domain_event_entry
                     WHERE aggregate_identifier = ? AND payload_type = ANY(?)
                     ORDER BY global_index""");
            select.setString(1, patient);
            select.setArray(2, connection.createArrayOf("varchar", TYPES));
            return select;
        }, (rs, i) -> new Object[]{rs.getLong(3), read(rs.getString(1), rs.getBytes(2))});
        long upTo = 0;
        List<Object> events = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            upTo = Math.max(upTo, (Long) row[0]);
            events.add(row[1]);
        }
        return document(patient, upTo, events);
    }

    /**
     * The document of a patient from their demographic events (registration, updates, transfers) in ledger order up
     * to {@code upTo}: the one way a patient document is built (the processor, and the search benchmark's direct load).
     */
    public static Map<String, Object> document(String patient, long upTo, List<Object> events) {
        Demographics current = null;
        String practice = null;
        Set<String> formerNames = new LinkedHashSet<>();
        Set<String> formerPostcodes = new LinkedHashSet<>();
        for (Object event : events) {
            Demographics next = null;
            if (event instanceof PatientRegistered registered) {
                next = registered.demographics();
                practice = registered.registeredPractice() == null ? null : registered.registeredPractice().value();
            } else if (event instanceof DemographicsUpdated updated) {
                next = updated.demographics();
            } else if (event instanceof RegistrationTransferred transferred) {
                practice = transferred.toPractice() == null ? null : transferred.toPractice().value();
            }
            if (next != null) {
                if (current != null) {
                    formerNames.add(current.givenName() + " " + current.familyName());
                    formerPostcodes.add(NameKeys.postcode(current.address().postcode()));
                }
                current = next;
            }
        }
        if (current == null) {
            throw new IllegalStateException("search: patient " + patient + " has no registration up to " + upTo);
        }
        String postcode = NameKeys.postcode(current.address().postcode());
        formerPostcodes.remove(postcode);
        formerNames.remove(current.givenName() + " " + current.familyName());
        Set<String> words = new LinkedHashSet<>();
        words.addAll(NameKeys.words(current.givenName()));
        words.addAll(NameKeys.words(current.familyName()));
        formerNames.forEach(n -> words.addAll(NameKeys.words(n)));
        Map<String, Object> doc = new HashMap<>();
        doc.put("nhs_number", patient);
        doc.put("given", current.givenName());
        doc.put("family", current.familyName());
        doc.put("former_names", List.copyOf(formerNames));
        doc.put("name_keys", List.copyOf(words));
        doc.put("name_grams", NameKeys.grams(List.copyOf(words)));
        doc.put("birth_date", current.birthDate().toString());
        doc.put("birth_year", current.birthDate().getYear());
        doc.put("postcode", postcode);
        doc.put("postcode_outward", NameKeys.outward(postcode));
        doc.put("former_postcodes", List.copyOf(formerPostcodes));
        doc.put("registered_practice", practice);
        doc.put("global_index", upTo);
        return doc;
    }

    private Object read(String type, byte[] payload) {
        try {
            return json.readValue(payload, Class.forName(type));
        } catch (IOException e) {
            throw new UncheckedIOException("search: event of type " + type + " unreadable", e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("search: unknown event type " + type, e);
        }
    }

    private static NhsNumber patientOf(Object payload) {
        if (payload instanceof PatientRegistered e) {
            return e.patient();
        }
        if (payload instanceof DemographicsUpdated e) {
            return e.patient();
        }
        return ((RegistrationTransferred) payload).patient();
    }
}
