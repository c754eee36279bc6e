package org.careledger.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did: patients imported, already present (skipped) and rejected; events written per type; source
 * resources mapped per type, not mapped per type (counted, never silently dropped), loaded as reference data; and
 * every rejection with file, resource id and reason (ids only, never record content).
 */
public final class ImportReport {

    /** One rejected file, patient or resource. {@code resource} is {@code Type/id}, or null for a whole file. */
    public record Rejection(String file, String resource, String reason) {
    }

    private int imported;
    private int alreadyPresent;
    private int rejectedPatients;
    private final Map<String, Long> eventsByType = new TreeMap<>();
    private final Map<String, Long> mapped = new TreeMap<>();
    private final Map<String, Long> unmapped = new TreeMap<>();
    private final Map<String, Long> referenceData = new TreeMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private Duration wallTime = Duration.ZERO;

    synchronized void imported(Map<String, Long> events, Map<String, Long> mappedTypes) {
        imported++;
        events.forEach((type, n) -> eventsByType.merge(type, n, Long::sum));
        mappedTypes.forEach((type, n) -> mapped.merge(type, n, Long::sum));
    }

    synchronized void skipped() {
        alreadyPresent++;
    }

    synchronized void rejectedPatient(String file, String resource, String reason) {
        rejectedPatients++;
        rejections.add(new Rejection(file, resource, reason));
    }

    /** One resource refused while its patient, if any, goes on (NDJSON: a resource about no patient of the import). */
    synchronized void rejectedResource(String file, String resource, String reason) {
        rejections.add(new Rejection(file, resource, reason));
    }

        synchronized void rejectedFile(String file, String reason) {
        rejections.add(new Rejection(file, null, reason));
    }

    synchronized void unmapped(String type) {
        unmapped.merge(type, 1L, Long::sum);
    }

    synchronized void referenceData(String type) {
        referenceData.merge(type, 1L, Long::sum);
    }

    void wallTime(Duration took) {
        wallTime = took;
    }

    public synchronized int imported() {
        return imported;
    }

    public synchronized int alreadyPresent() {
        return alreadyPresent;
    }

    public synchronized int rejectedPatients() {
        return rejectedPatients;
    }

    public synchronized long events() {
        return eventsByType.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized Map<String, Long> eventsByType() {
        return Map.copyOf(eventsByType);
    }

    public synchronized Map<String, Long> mapped() {
        return Map.copyOf(mapped);
    }

    public synchronized Map<String, Long> unmapped() {
        return Map.copyOf(unmapped);
    }

    public synchronized Map<String, Long> referenceData() {
        return Map.copyOf(referenceData);
    }

    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    public Duration wallTime() {
        return wallTime;
    }

    /** The JSON summary printed at the end of an import (and answered by the HTTP endpoint). */
    public synchronized ObjectNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode patients = root.putObject("patients");
        patients.put("imported", imported);
        patients.put("alreadyPresent", alreadyPresent);
        patients.put("rejected", rejectedPatients);
        root.put("events", events());
        root.set("eventsByType", json.valueToTree(eventsByType));
        root.set("mapped", json.valueToTree(mapped));
        root.set("unmapped", json.valueToTree(unmapped));
        root.set("referenceData", json.valueToTree(referenceData));
        ArrayNode list = root.putArray("rejections");
        for (Rejection r : rejections) {
            ObjectNode o = list.addObject();
            o.put("file", r.file());
            o.put("resource", r.resource());
            o.put("reason", r.reason());
        }
        root.put("wallTimeSeconds", wallTime.toMillis() / 1000.0);
        return root;
    }

    public String toJsonText() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
