package dev.coldpath.sample;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One labelled tabular data set as read from its CSV: float32 features in CSV order and integer targets.
 *
 * <p>The arrays are shared, not copied: callers must not modify them.
 */
public record SampleDataset(
        String name, List<String> featureNames, List<String> classNames, float[][] features, int[] targets) {

    public SampleDataset {
        requireNonNull(name, "name is null");
        featureNames = List.copyOf(requireNonNull(featureNames, "featureNames is null"));
        classNames = List.copyOf(requireNonNull(classNames, "classNames is null"));
        requireNonNull(features, "features is null");
        requireNonNull(targets, "targets is null");
        if (features.length != targets.length) {
            throw new IllegalArgumentException(
                    "features and targets differ in length: " + features.length + " != " + targets.length);
        }
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != featureNames.size()) {
                throw new IllegalArgumentException("row " + i + " has " + features[i].length
                        + " features, expected " + featureNames.size());
            }
            if (targets[i] < 0 || targets[i] >= classNames.size()) {
                throw new IllegalArgumentException("row " + i + " has target " + targets[i]
                        + ", expected 0.." + (classNames.size() - 1));
            }
        }
    }

    public int rowCount() {
        return targets.length;
    }

    public int featureCount() {
        return featureNames.size();
    }
}
