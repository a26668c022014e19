package dev.coldpath.cli;

import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.RunPeriod;
import dev.coldpath.spark.RunResult;
import dev.coldpath.spark.SparkScoringJob;
import dev.coldpath.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Runs a validated job, or a backfill of it, on Spark and prints a summary per run. */
final class JobRunner {
    private JobRunner() {
    }

    static int run(JobSpec spec, Optional<List<RunPeriod>> backfill, PrintWriter out) {
        boolean embedded = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSessions.create(spec);
        try {
            SparkScoringJob job = new SparkScoringJob(spark);
            if (backfill.isEmpty()) {
                printSummary(job.run(spec), out);
                return 0;
            }
            for (RunPeriod period : backfill.get()) {
                printSummary(job.run(spec.forPeriod(period)), out);
            }
            return 0;
        } finally {
            if (!embedded) { // a session the caller made is the caller's to stop
                spark.stop();
            }
        }
    }

    static void printSummary(RunResult r, PrintWriter out) {
        if (r.nothingToScore()) {
            out.printf(Locale.ROOT, "coldpath: nothing new to score for run %s: every input partition was scored by"
                    + " a committed run of %s (sha256 %s)%n", r.runId(), r.model().name(),
                    r.model().sha256().substring(0, 12));
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "coldpath: run %s scored %,d rows with %s%s (sha256 %s) in %.1f s (%,.0f rows/s)%n",
                r.runId(), r.rowsWritten(), r.model().name(),
                r.model().version().isEmpty() ? "" : "@" + r.model().version(), r.model().sha256().substring(0, 12),
                r.wallTime().toMillis() / 1000.0, r.rowsPerSecond());
        out.printf(Locale.ROOT, "  data      %s%n", r.dataPath());
        out.printf(Locale.ROOT, "  table     %s (%s)%n", r.table(),
                r.promoted() ? "now current" : "not promoted: coldpath runs promote " + r.table() + " " + r.runId());
        out.printf(Locale.ROOT, "  batches   %,d%n", r.batches());
        out.printf(Locale.ROOT, "  sessions  %d opened in %d ms, by %s%n", r.sessionsCreated(),
                r.sessionLoadTime().toMillis(), String.join(", ", r.sessionOwners()));
        out.printf(Locale.ROOT, "  spark     %s%n", r.applicationId());
        out.flush();
    }
}
