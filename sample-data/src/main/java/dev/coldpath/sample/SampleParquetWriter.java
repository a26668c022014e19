package dev.coldpath.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes the sample Parquet files with an in-memory DuckDB: rows are appended in CSV order, then copied out
 * ordered by {@code id} on one thread, so the same input gives the same bytes.
 */
public final class SampleParquetWriter {

    /** {@code id BIGINT}, one {@code FLOAT} column per feature, {@code targetColumn INTEGER}. */
    public void writeFlat(SampleDataset dataset, String targetColumn, Path file) {
        List<String> columns = new ArrayList<>();
        columns.add("id BIGINT");
        dataset.featureNames().forEach(name -> columns.add(name + " FLOAT"));
        columns.add(targetColumn + " INTEGER");
        write(columns, file, appender -> {
            for (int i = 0; i < dataset.rowCount(); i++) {
                appender.beginRow().append((long) i);
                for (float value : dataset.features()[i]) {
                    appender.append(value);
                }
                appender.append(dataset.targets()[i]).endRow();
            }
        });
    }

    /** {@code id BIGINT}, {@code featuresColumn FLOAT[]} holding every feature in order, {@code targetColumn INTEGER}. */
    public void writeFeatureList(SampleDataset dataset, String featuresColumn, String targetColumn, Path file) {
        List<String> columns = List.of("id BIGINT", featuresColumn + " FLOAT[]", targetColumn + " INTEGER");
        write(columns, file, appender -> {
            for (int i = 0; i < dataset.rowCount(); i++) {
                appender.beginRow()
                        .append((long) i)
                        .append(dataset.features()[i])
                        .append(dataset.targets()[i])
                        .endRow();
            }
        });
    }

    /** {@code id BIGINT}, one {@code FLOAT} column per feature, {@code classColumn VARCHAR} holding the class name. */
    public void writeFlatWithClassName(SampleDataset dataset, String classColumn, Path file) {
        List<String> columns = new ArrayList<>();
        columns.add("id BIGINT");
        dataset.featureNames().forEach(name -> columns.add(name + " FLOAT"));
        columns.add(classColumn + " VARCHAR");
        write(columns, file, appender -> {
            for (int i = 0; i < dataset.rowCount(); i++) {
                appender.beginRow().append((long) i);
                for (float value : dataset.features()[i]) {
                    appender.append(value);
                }
                appender.append(dataset.classNames().get(dataset.targets()[i])).endRow();
            }
        });
    }

    /**
     * {@code id BIGINT}, {@code text VARCHAR}, {@code pos VARCHAR}, {@code kind VARCHAR}, {@code lemma VARCHAR},
     * {@code synset VARCHAR}; nulls where the row has none.
     */
    public void writeTexts(List<TextSampleRow> rows, Map<String, String> fileMetadata, Path file) {
        List<String> columns = List.of("id BIGINT", "text VARCHAR", "pos VARCHAR", "kind VARCHAR", "lemma VARCHAR",
                "synset VARCHAR");
        write(columns, file, appender -> {
            for (TextSampleRow row : rows) {
                appender.beginRow().append(row.id());
                for (String value : new String[] {row.text(), row.pos(), row.kind(), row.lemma(), row.synset()}) {
                    if (value == null) {
                        appender.appendNull();
                    } else {
                        appender.append(value);
                    }
                }
                appender.endRow();
            }
        }, fileMetadata);
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private interface RowWriter {
        void appendRows(DuckDBAppender appender) throws SQLException;
    }

    private static void write(List<String> columns, Path file, RowWriter rows) {
        write(columns, file, rows, Map.of());
    }

    /** {@code fileMetadata} goes into the Parquet footer's key-value metadata. */
    private static void write(List<String> columns, Path file, RowWriter rows, Map<String, String> fileMetadata) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new SampleDataException("Cannot write " + target + ": " + e.getMessage(), e);
        }
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET threads = 1");
            statement.execute("CREATE TABLE rows (" + String.join(", ", columns) + ")");
            try (DuckDBAppender appender = connection.unwrap(DuckDBConnection.class).createAppender("rows")) {
                rows.appendRows(appender);
            }
            String metadata = fileMetadata.entrySet().stream()
                    .map(entry -> entry.getKey() + ": " + quoted(entry.getValue()))
                    .collect(Collectors.joining(", ", ", KV_METADATA {", "}"));
            statement.execute("COPY (SELECT * FROM rows ORDER BY id) TO " + quoted(target.toString())
                    + " (FORMAT parquet" + (fileMetadata.isEmpty() ? "" : metadata) + ")");
        } catch (SQLException e) {
            throw new SampleDataException("Cannot write " + target + " with DuckDB: " + e.getMessage(), e);
        }
    }
}
