package dev.coldpath.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** The sample breast-cancer data with mean_radius and worst_radius 30 % larger: the same ids, other predictions. */
final class ShiftedData {
    private ShiftedData() {
    }

    /** Writes it as {@code shifted.parquet} in {@code directory} (with DuckDB) and returns its path. */
    static Path write(Path directory) throws Exception {
        Path path = directory.resolve("shifted.parquet");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            String in = CliHarness.data("breast_cancer");
            String type;
            try (ResultSet rs = sql.executeQuery("SELECT typeof(mean_radius) FROM read_parquet('" + in + "') LIMIT 1")) {
                rs.next();
                type = rs.getString(1);
            }
            sql.execute("COPY (SELECT * REPLACE (CAST(mean_radius * 1.3 AS " + type + ") AS mean_radius,"
                    + " CAST(worst_radius * 1.3 AS " + type + ") AS worst_radius) FROM read_parquet('" + in + "'))"
                    + " TO '" + path + "' (FORMAT parquet)");
        }
        return path;
    }
}
