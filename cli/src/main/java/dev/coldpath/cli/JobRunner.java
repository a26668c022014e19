package dev.coldpath.cli;

import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.SparkScoringJob;
import dev.coldpath.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** Runs a validated job on Spark and prints the summary; shared by {@code score} and {@code run}. */
final class JobRunner {
    private JobRunner() {
    }

    static int run(JobSpec spec, PrintWriter out) {
        boolean embedded = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSessions.create(spec);
        try {
            RunResult result = new SparkScoringJob(spark).run(spec);
            printSummary(result, out);
            return 0;
        } finally {
            if (!embedded) { // a session the caller made is the caller's to stop
                spark.stop();
            }
        }
    }

    static void printSummary(RunResult r, PrintWriter out) {
        out.printf(Locale.ROOT, "coldpath: scored %,d rows with %s (sha256 %s) in %.1f s (%,.0f rows/s)%n",
                r.rowsWritten(), r.model().name(), r.model().sha256().substring(0, 12),
                r.wallTime().toMillis() / 1000.0, r.rowsPerSecond());
        out.printf(Locale.ROOT, "  output    %s (Parquet)%n", r.outputPath());
        out.printf(Locale.ROOT, "  batches   %,d%n", r.batches());
        out.printf(Locale.ROOT, "  sessions  %d opened in %d ms, by %s%n", r.sessionsCreated(),
                r.sessionLoadTime().toMillis(), String.join(", ", r.sessionOwners()));
        out.printf(Locale.ROOT, "  spark     %s%n", r.applicationId());
        out.flush();
    }
}
