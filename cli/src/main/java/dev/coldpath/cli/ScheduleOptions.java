package dev.coldpath.cli;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobKey;
import dev.coldpath.core.spec.RunPeriod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which run a command makes: its id, its logical date or hour, a backfill range, incremental scoring. */
final class ScheduleOptions {
    @Option(names = "--run-id", paramLabel = "ID",
            description = "The run's id (default: the --date/--hour, else the start time to the millisecond and a"
                    + " random suffix). A rerun with the same id and model version replaces that run's data"
                    + " atomically, if that run was committed before this one started (see --replace).")
    String runId;

    @Option(names = "--replace",
            description = "Replace a committed run of the same id and model version even if it was committed after"
                    + " this run started (output.replace: true). Without it, such a run is left alone and this run"
                    + " fails (exit 2).")
    boolean replace;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "The logical date: fills {date}, {year}, {month}, {day} in input.path and names the run.")
    String date;

    @Option(names = "--hour", paramLabel = "HH", description = "The logical hour (0-23): fills {hour} in input.path.")
    String hour;

    @Option(names = "--from", paramLabel = "PERIOD",
            description = "Backfill from this day (YYYY-MM-DD) or hour (YYYY-MM-DDTHH), one run per period.")
    String from;

    @Option(names = "--to", paramLabel = "PERIOD", description = "Backfill up to this period, included.")
    String to;

    @Option(names = "--incremental",
            description = "Score only the partition directories of the input that no committed run of this model"
                    + " has scored yet; with an Iceberg input (input.table), only the rows appended since the"
                    + " snapshot the output table's last committed run read.")
    boolean incremental;

    @Option(names = "--promote", paramLabel = "POLICY",
            description = "on-success (default): the committed run becomes current; manual: leave the pointer"
                    + " for 'coldpath runs promote'.")
    String promote;

    @Option(names = "--skip-missing",
            description = "In a backfill (--from/--to), step over a period whose input is not there (yet) instead"
                    + " of stopping; the summary lists the skipped periods.")
    boolean skipMissing;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Also write the run's outcome and metrics as JSON to FILE, for a scheduler to pick up"
                    + " (a backfill writes a list of runs).")
    Path metricsFile;

    Optional<Path> metricsFile() {
        return Optional.ofNullable(metricsFile);
    }

    /** These flags as {@code coldpath run} takes them, for a driver that spark-submit starts. */
    List<String> runArguments() {
        List<String> args = new ArrayList<>();
        add(args, "--run-id", runId);
        add(args, "--date", date);
        add(args, "--hour", hour);
        add(args, "--from", from);
        add(args, "--to", to);
        add(args, "--promote", promote);
        add(args, "--metrics-file", metricsFile == null ? null : metricsFile.toAbsolutePath().toString());
        if (incremental) {
            args.add("--incremental");
        }
        if (replace) {
            args.add("--replace");
        }
        if (skipMissing) {
            args.add("--skip-missing");
        }
        return args;
    }

    private static void add(List<String> args, String flag, String value) {
        if (value != null) {
            args.add(flag);
            args.add(value);
        }
    }

    JobConfig toConfig() {
        Map<String, Object> flat = new LinkedHashMap<>();
        put(flat, JobKey.RUN_ID, runId);
        put(flat, JobKey.RUN_DATE, date);
        put(flat, JobKey.RUN_HOUR, hour);
        put(flat, JobKey.PROMOTE, promote);
        if (incremental) {
            flat.put(JobKey.INCREMENTAL.key(), "true");
        }
        if (replace) {
            flat.put(JobKey.REPLACE.key(), "true");
        }
        return JobConfig.of(flat, "the command line");
    }

    /** The periods of a backfill, or empty for a single run. */
    Optional<List<RunPeriod>> backfill() {
        if (from == null && to == null) {
            return Optional.empty();
        }
        if (from == null || to == null) {
            throw new JobSpecException("Invalid backfill: give both --from and --to");
        }
        if (date != null || hour != null || runId != null) {
            throw new JobSpecException("Invalid backfill: --from/--to name each run; leave out --date, --hour and"
                    + " --run-id");
        }
        return Optional.of(RunPeriod.range(RunPeriod.parse(from, "--from"), RunPeriod.parse(to, "--to")));
    }

    private static void put(Map<String, Object> flat, JobKey key, String value) {
        if (value != null) {
            flat.put(key.key(), value);
        }
    }
}
