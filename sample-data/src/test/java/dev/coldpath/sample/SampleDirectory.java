package dev.coldpath.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The committed sample-data folder, and readers for its Parquet (through DuckDB) and CSV files. */
final class SampleDirectory {
    private SampleDirectory() {}

    /** Set by surefire; falls back to the working directory, which is the module folder under Maven. */
    static Path root() {
        String configured = System.getProperty("coldpath.sample.dir");
        return Path.of(configured != null ? configured : System.getProperty("user.dir"));
    }

    static Path resolve(String relativePath) {
        return root().resolve(relativePath);
    }

    /** Every row of a Parquet file in file order, as column name to JDBC value. */
    static List<Map<String, Object>> readParquet(Path file) {
        return query("SELECT * FROM read_parquet('" + quoted(file) + "')");
    }

    /** Column name to DuckDB type name, in file order. */
    static Map<String, String> parquetColumnTypes(Path file) {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> row : query("DESCRIBE SELECT * FROM read_parquet('" + quoted(file) + "')")) {
            types.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return types;
    }

    static List<Map<String, Object>> query(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            ResultSetMetaData meta = resultSet.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (resultSet.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    Object value = resultSet.getObject(c);
                    if (value instanceof java.sql.Array array) {
                        value = List.of((Object[]) array.getArray());
                    }
                    row.put(meta.getColumnName(c), value);
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** A CSV with a header line and no quoting, as rows of column name to text. */
    static List<Map<String, String>> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static String quoted(Path file) {
        return file.toAbsolutePath().toString().replace("'", "''");
    }
}
