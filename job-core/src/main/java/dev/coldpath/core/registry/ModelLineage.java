package dev.coldpath.core.registry;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a user records about a model version when registering it: what it is, and what it was trained on
 * and with. Every field is optional.
 *
 * @param description  free text for people; "" for none
 * @param trainingDate when the model was trained, as the user writes it (e.g. 2026-11-27)
 * @param datasetHash  an identifier of the training data (a hash, a snapshot id)
 * @param params       training parameters, sorted by key
 */
public record ModelLineage(String description, Optional<String> trainingDate, Optional<String> datasetHash,
                           Map<String, String> params) {
    public ModelLineage {
        requireNonNull(description, "description is null");
        requireNonNull(trainingDate, "trainingDate is null");
        requireNonNull(datasetHash, "datasetHash is null");
        for (String key : params.keySet()) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("params keys must not be blank: " + params.keySet());
            }
        }
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
    }

    public static ModelLineage none() {
        return new ModelLineage("", Optional.empty(), Optional.empty(), Map.of());
    }
}
