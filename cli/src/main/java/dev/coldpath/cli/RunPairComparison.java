package dev.coldpath.cli;

import dev.coldpath.connectors.ParquetRunFiles;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Two committed runs' published rows, joined on key columns and compared with {@link BindingComparison} (the first
 * run plays the champion). Reads the runs' published files with {@link ParquetRunFiles} on the calling JVM and holds
 * the first run's compared values in memory, keyed; driver-only.
 */
final class RunPairComparison {
    /** The published columns that are neither kept columns nor model outputs. */
    private static final Set<String> NOT_KEPT;

    static {
        Set<String> s = new HashSet<>(RunLineage.COLUMNS);
        s.add("served_by");
        NOT_KEPT = Set.copyOf(s);
    }

    private final Configuration conf;

    RunPairComparison(Configuration conf) {
        this.conf = conf;
    }

    /**
     * What {@code coldpath compare} prints and writes.
     *
     * @param key        the join's columns
     * @param rowsA      rows of run A
     * @param onlyA      rows of run A whose key run B does not have
     * @param skipped    outputs both runs publish that are not one value per row (arrays, maps), left out
     * @param comparison run B against run A over the joined rows
     */
    record Result(String table, String runA, String runB, List<String> key, long rowsA, long rowsB, long onlyA,
                  long onlyB, List<String> skipped, ComparisonSummary comparison) {
    }

    Result compare(String table, String nameA, CommittedRun a, String nameB, CommittedRun b, List<String> keyColumns) {
        ParquetRunFiles filesA = ParquetRunFiles.of(conf, a.path());
        ParquetRunFiles filesB = ParquetRunFiles.of(conf, b.path());
        MessageType schemaA = filesA.schema();
        MessageType schemaB = filesB.schema();
        Set<String> outputsA = outputs(a.manifest());
        Set<String> outputsB = outputs(b.manifest());
        List<String> key = keyColumns.isEmpty() ? defaultKey(schemaA, schemaB, outputsA, outputsB, nameA, nameB)
                : keyColumns;
        for (String k : key) {
            for (var run : List.of(Map.entry(nameA, schemaA), Map.entry(nameB, schemaB))) {
                if (!run.getValue().containsField(k)) {
                    throw new JobSpecException("Invalid --key " + String.join(",", key) + ": run " + run.getKey()
                            + " has no column " + k + " (its columns: " + names(run.getValue()) + ")");
                }
            }
        }
        List<String> labels = new ArrayList<>();
        List<String> scores = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String o : outputsA) {
            if (!outputsB.contains(o) || key.contains(o) || !schemaA.containsField(o) || !schemaB.containsField(o)) {
                continue;
            }
            Type x = schemaA.getType(o);
            Type y = schemaB.getType(o);
            if (!ParquetRunFiles.oneValue(x) || !ParquetRunFiles.oneValue(y)) {
                skipped.add(o);
            } else {
                (ParquetRunFiles.floatingPoint(x) && ParquetRunFiles.floatingPoint(y) ? scores : labels).add(o);
            }
        }
        if (labels.isEmpty() && scores.isEmpty()) {
            throw new JobSpecException("Runs " + nameA + " and " + nameB + " publish no output in common (" + nameA
                    + ": " + outputsA + ", " + nameB + ": " + outputsB + "): there is nothing to compare");
        }
        Map<String, Row> rowsOfA = new HashMap<>();
        long rowsA = read(filesA, key, labels, scores, (k, row) -> {
            if (rowsOfA.put(k, row) != null) {
                throw notUnique(nameA, key, k);
            }
        });
        BindingComparison comparison = new BindingComparison(nameB, labels, scores);
        Set<String> seenB = new HashSet<>();
        long rowsB = read(filesB, key, labels, scores, (k, row) -> {
            if (!seenB.add(k)) {
                throw notUnique(nameB, key, k);
            }
            Row champion = rowsOfA.get(k);
            if (champion != null) {
                comparison.row(() -> k, champion.labels, row.labels, champion.scores, row.scores);
            }
        });
        ComparisonSummary summary = comparison.summary();
        return new Result(table, nameA, nameB, key, rowsA, rowsB,
                rowsA - summary.rows(), rowsB - summary.rows(), skipped, summary);
    }

    private static JobSpecException notUnique(String run, List<String> key, String k) {
        return new JobSpecException("Key (" + String.join(", ", key) + ") does not identify a row of run " + run
                + ": " + k + " appears more than once (name the columns that do with --key)");
    }

    /** A run's output columns: those of the models whose predictions it publishes (champion, canary). */
    private static Set<String> outputs(RunManifest manifest) {
        Set<String> out = new LinkedHashSet<>();
        for (RunManifest.ModelRun m : manifest.models()) {
            if (m.dataPath() == null) {
                m.outputColumns().forEach(c -> out.add(c.name()));
            }
        }
        return out;
    }

    private static List<String> defaultKey(MessageType a, MessageType b, Set<String> outputsA, Set<String> outputsB,
                                           String nameA, String nameB) {
        List<String> key = new ArrayList<>();
        for (Type f : a.getFields()) {
            String n = f.getName();
            if (b.containsField(n) && !outputsA.contains(n) && !outputsB.contains(n) && !NOT_KEPT.contains(n)
                    && ParquetRunFiles.oneValue(f)) {
                key.add(n);
            }
        }
        if (key.isEmpty()) {
            throw new JobSpecException("Runs " + nameA + " and " + nameB + " keep no column in common to join on:"
                    + " name the columns that identify a row with --key");
        }
        return key;
    }

    private static List<String> names(MessageType schema) {
        return schema.getFields().stream().map(Type::getName).toList();
    }

    /** One row's compared values. */
    private record Row(String[] labels, double[] scores) {
    }

    private interface RowConsumer {
        void accept(String key, Row row);
    }

    private static long read(ParquetRunFiles files, List<String> key, List<String> labels, List<String> scores,
                             RowConsumer consumer) {
        List<String> columns = new ArrayList<>(key);
        columns.addAll(labels);
        columns.addAll(scores);
        return files.read(columns, Long.MAX_VALUE, g -> {
            Object[] keyValues = new Object[key.size()];
            for (int i = 0; i < keyValues.length; i++) {
                keyValues[i] = ParquetRunFiles.text(g, key.get(i));
            }
            String[] l = new String[labels.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = String.valueOf(ParquetRunFiles.text(g, labels.get(i)));
            }
            double[] s = new double[scores.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = ParquetRunFiles.number(g, scores.get(i));
            }
            consumer.accept(BindingComparison.key(key, keyValues), new Row(l, s));
        });
    }
}
