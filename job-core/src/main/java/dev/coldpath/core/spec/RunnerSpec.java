package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Which engine scores the run: {@code runner.*}.
 *
 * @param runner        auto, spark or local
 * @param localMaxBytes the largest input (its files' total size) that {@code auto} scores locally; empty for the
 *                      default, a quarter of the machine's memory
 */
public record RunnerSpec(Runner runner, OptionalLong localMaxBytes) {
    public static final RunnerSpec DEFAULTS = new RunnerSpec(Runner.AUTO, OptionalLong.empty());

    public RunnerSpec {
        requireNonNull(runner, "runner is null");
        requireNonNull(localMaxBytes, "localMaxBytes is null");
    }

    /** The section as {@code config} sets it, defaults applied. */
    public static RunnerSpec from(JobConfig config) {
        return new RunnerSpec(config.get(JobKey.RUNNER), config.find(JobKey.RUNNER_LOCAL_MAX_BYTES)
                .map(OptionalLong::of).orElse(OptionalLong.empty()));
    }

    /** The same section with another runner (the {@code --runner} flag). */
    public RunnerSpec with(Runner other) {
        return new RunnerSpec(other, localMaxBytes);
    }
}
