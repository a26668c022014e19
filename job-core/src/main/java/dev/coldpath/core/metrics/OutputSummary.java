package dev.coldpath.core.metrics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distribution of one prediction column, as manifests store it: {@link Numeric} for numbers, {@link Classes}
 * for labels and text. In JSON, {@code kind} says which.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = OutputSummary.Numeric.class, name = "numeric"),
    @JsonSubTypes.Type(value = OutputSummary.Classes.class, name = "classes")})
public sealed interface OutputSummary {
    /**
     * A numeric column: count, min, max, mean and a histogram of {@value OutputStats#BINS} bins drawn from a uniform
     * sample and scaled to the count. {@code min}, {@code max} and {@code mean} are null when no value was seen;
     * {@code count} is null only in a manifest of format 1 that did not record it.
     */
    record Numeric(Long count, Double min, Double max, Double mean, List<Bin> histogram) implements OutputSummary {
        public Numeric {
            histogram = List.copyOf(requireNonNull(histogram, "histogram is null"));
        }
    }

    /** Values from {@code lower} to {@code upper}. */
    record Bin(double lower, double upper, long count) {
    }

    /** A label or text column: the count of each class, at most a thousand; {@code truncated} when more were seen. */
    record Classes(long count, Map<String, Long> counts, boolean truncated) implements OutputSummary {
        public Classes {
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(counts, "counts is null")));
        }
    }
}
