package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.table.RunTable;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which run a job makes: {@code run.id}, {@code run.date} and {@code run.hour}.
 *
 * @param id     the run's id as given; empty for the default (the period, else the start time)
 * @param period the logical day or hour a scheduled run scores
 */
public record RunSpec(Optional<String> id, Optional<RunPeriod> period) {
    public static final RunSpec DEFAULTS = new RunSpec(Optional.empty(), Optional.empty());

    public RunSpec {
        requireNonNull(id, "id is null");
        requireNonNull(period, "period is null");
        id.ifPresent(RunTable::checkRunId);
    }

    /** The section as {@code config} sets it; an hour needs a date. */
    public static RunSpec from(JobConfig config) {
        Optional<LocalDate> date = config.find(JobKey.RUN_DATE);
        Optional<Integer> hour = config.find(JobKey.RUN_HOUR);
        if (hour.isPresent() && date.isEmpty()) {
            throw new JobSpecException("Invalid run.hour: " + config.string(JobKey.RUN_HOUR.key())
                    + " needs run.date (--date) too");
        }
        return new RunSpec(config.find(JobKey.RUN_ID), date.map(d -> new RunPeriod(d,
                hour.map(OptionalInt::of).orElse(OptionalInt.empty()))));
    }
}
