package dev.coldpath.core.compare;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How one class-label output of a model agrees with the champion's over the same rows: the agreement rate (exact),
 * the confusion matrix between the two (champion's label by row, the other's by column) over the
 * {@value #TOP_CLASSES} most frequent classes, and the PSI of the label shares. Up to {@value #MAX_CLASSES}
 * distinct labels are counted each; labels beyond that count as {@value #OTHER}. Mergeable; serializable; not
 * thread safe.
 */
public final class LabelComparison implements Serializable {
    /** Classes the confusion matrix shows. */
    public static final int TOP_CLASSES = 20;
    /** Distinct labels counted before the rest are pooled. */
    public static final int MAX_CLASSES = 1000;
    /** The row and column of the classes beyond the top ones (and of labels beyond {@link #MAX_CLASSES}). */
    public static final String OTHER = "(other)";

    private final TreeMap<String, TreeMap<String, Long>> pairs = new TreeMap<>();
    private final TreeMap<String, Long> championCounts = new TreeMap<>();
    private final TreeMap<String, Long> otherCounts = new TreeMap<>();
    private long rows;
    private long agreed;
    private boolean truncated;

    /** One row: the champion's label and the other model's (a null label is the class "null"). */
    public void add(String championLabel, String otherLabel) {
        add(String.valueOf(championLabel), String.valueOf(otherLabel), 1,
                Objects.equals(championLabel, otherLabel) ? 1 : 0);
    }

    private void add(String champion, String other, long count, long agree) {
        rows += count;
        agreed += agree;
        String c = counted(champion, championCounts);
        String o = counted(other, otherCounts);
        championCounts.merge(c, count, Long::sum);
        otherCounts.merge(o, count, Long::sum);
        pairs.computeIfAbsent(c, k -> new TreeMap<>()).merge(o, count, Long::sum);
    }

    private String counted(String label, Map<String, Long> counts) {
        if (counts.containsKey(label) || counts.size() < MAX_CLASSES) {
            return label;
        }
        truncated = true;
        return OTHER;
    }

    public LabelComparison merge(LabelComparison b) {
        b.pairs.forEach((c, row) -> row.forEach((o, count) -> add(c, o, count, 0)));
        agreed += b.agreed;
        truncated |= b.truncated;
        return this;
    }

    public ComparisonSummary.Labels summary(String output) {
        TreeMap<String, Long> total = new TreeMap<>(championCounts);
        otherCounts.forEach((k, v) -> total.merge(k, v, Long::sum));
        List<String> top = total.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_CLASSES).map(Map.Entry::getKey).toList();
        List<String> classes = new ArrayList<>(top);
        if (total.size() > top.size() && !classes.contains(OTHER)) {
            classes.add(OTHER);
        }
        List<List<Long>> confusion = new ArrayList<>();
        for (String c : classes) {
            long[] row = new long[classes.size()];
            pairs.forEach((champion, others) -> {
                if (shown(champion, top).equals(c)) {
                    others.forEach((o, count) -> row[classes.indexOf(shown(o, top))] += count);
                }
            });
            confusion.add(Arrays.stream(row).boxed().toList());
        }
        return new ComparisonSummary.Labels(output, rows, rows == 0 ? null : (double) agreed / rows, classes,
                confusion, rows == 0 ? null : Psi.ofClasses(championCounts, otherCounts), truncated);
    }

    private static String shown(String label, List<String> top) {
        return top.contains(label) ? label : OTHER;
    }
}
