package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Iceberg prediction table ({@code output.format: iceberg}, docs/iceberg.md): {@code output.table},
 * {@code output.warehouse}, {@code output.partition-by} and {@code output.mode}.
 *
 * @param table       the table's name, {@code <catalog>.<namespace>.<table>}
 * @param warehouse   the embedded Hadoop catalog's warehouse (a path or URI); empty when the catalog is configured
 *                    with Spark's {@code spark.sql.catalog.<name>.*} keys
 * @param partitionBy the partition spec of a table the run creates: column names and Iceberg transforms
 * @param mode        how a run's rows join the table's
 */
public record IcebergOutput(String table, Optional<String> warehouse, List<String> partitionBy, WriteMode mode) {
    /** The catalog a warehouse-only job gets: Iceberg's Hadoop catalog under that name. */
    public static final String EMBEDDED_CATALOG = "coldpath";

    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern TABLE = Pattern.compile(NAME + "(\\." + NAME + "){2,}");
    private static final Pattern TRANSFORM = Pattern.compile(
            "(?:(years|months|days|hours)\\(\\s*(" + NAME + ")\\s*\\)"
                    + "|(bucket|truncate)\\(\\s*([1-9][0-9]*)\\s*,\\s*(" + NAME + ")\\s*\\)"
                    + "|(" + NAME + "))");

    public IcebergOutput {
        requireNonNull(table, "table is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(mode, "mode is null");
        partitionBy = List.copyOf(partitionBy);
    }

    /**
     * The section as {@code config} sets it: empty for {@code output.format: parquet}, where setting any of the
     * other keys is an error.
     */
    public static Optional<IcebergOutput> from(JobConfig config) {
        if (config.get(JobKey.OUTPUT_FORMAT) == OutputFormat.ICEBERG) {
            Optional<String> table = config.find(JobKey.OUTPUT_TABLE);
            if (table.isEmpty()) {
                throw new JobSpecException("output.format: iceberg needs output.table, the table to write:"
                        + " <catalog>.<namespace>.<table>, e.g. coldpath.nightly.wine (docs/iceberg.md)");
            }
            return Optional.of(new IcebergOutput(table.get(),
                    config.find(JobKey.OUTPUT_WAREHOUSE).filter(w -> !w.isBlank()),
                    config.find(JobKey.OUTPUT_PARTITION_BY).orElse(List.of()), config.get(JobKey.OUTPUT_MODE)));
        }
        for (JobKey<?> key : List.of(JobKey.OUTPUT_TABLE, JobKey.OUTPUT_WAREHOUSE, JobKey.OUTPUT_PARTITION_BY,
                JobKey.OUTPUT_MODE)) {
            if (config.find(key).isPresent()) {
                throw new JobSpecException(key.key() + " is for output.format: iceberg, and this job writes a Parquet"
                        + " run table (output.format: parquet): set output.format: iceberg, or remove " + key.key());
            }
        }
        return Optional.empty();
    }

    /** The catalog part of {@link #table}. */
    public String catalog() {
        return table.substring(0, table.indexOf('.'));
    }

    /** Whether {@code name} is a table name this sink takes: catalog, namespace and table, dot-separated. */
    static String checkTable(String name) {
        String t = name.strip();
        return TABLE.matcher(t).matches() ? t : null;
    }

    /**
     * The {@code output.partition-by} entries: a column, {@code years|months|days|hours(col)} or
     * {@code bucket|truncate(N, col)}, comma-separated (commas inside parentheses belong to the transform).
     */
    static List<String> partitionTransforms(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : t.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank() || !out.isEmpty()) {
            out.add(current.toString().strip());
        }
        for (String entry : out) {
            if (!TRANSFORM.matcher(entry).matches()) {
                return null;
            }
        }
        return List.copyOf(out);
    }
}
