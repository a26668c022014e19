package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.spark.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private static final Progress HALF = new Progress("2026-11-28", 4, 8, 120_000, Duration.ofSeconds(20));

    @Test
    void barShowsPartitionsRowsRateAndEta() {
        assertThat(ProgressDisplay.bar(HALF)).isEqualTo("[===============>              ] run 2026-11-28:"
                + " 4/8 partitions, 120,000 rows, 6,000 rows/s, elapsed 0m20s, ETA 0m20s");
    }

    @Test
    void theLocalRunnersProgressCountsSplits() {
        assertThat(ProgressDisplay.line(new Progress("r", 1, 2, 500, OptionalLong.empty(), Duration.ofSeconds(5),
                Progress.Unit.SPLITS)))
                .isEqualTo("run r: 1/2 splits, 500 rows, 100 rows/s, elapsed 0m05s, ETA 0m05s");
    }

    @Test
    void withTheInputsRowsKnownTheBarAndEtaMoveWithinASplit() {
        Progress third = new Progress("r", 0, 1, 200, OptionalLong.of(600), Duration.ofSeconds(2),
                Progress.Unit.SPLITS);

        assertThat(ProgressDisplay.bar(third)).isEqualTo("[==========>                   ] run r: 0/1 splits,"
                + " 200/600 rows, 100 rows/s, elapsed 0m02s, ETA 0m04s");
        assertThat(ProgressDisplay.line(new Progress("r", 0, 1, 0, OptionalLong.of(600), Duration.ofSeconds(1),
                Progress.Unit.SPLITS))).endsWith("0/600 rows, 0 rows/s, elapsed 0m01s, ETA ?");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressDisplay display = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
                Duration.ofSeconds(10));
        display.update(HALF);
        display.update(HALF);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r[").doesNotContain("\n");
        assertThat(out.split("\r", -1)).hasSize(3);
    }

    @Test
    void offATerminalItLogsAPlainLineAtMostEveryInterval() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressDisplay display = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                Duration.ofSeconds(10));
        display.update(new Progress("r", 1, 8, 10, Duration.ofSeconds(1)));
        display.update(new Progress("r", 2, 8, 20, Duration.ofSeconds(5)));
        display.update(new Progress("r", 3, 8, 30, Duration.ofSeconds(12)));

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("coldpath: progress run r: 1/8 partitions, 10 rows, 10 rows/s, elapsed 0m01s, ETA 0m07s",
                        "coldpath: progress run r: 3/8 partitions, 30 rows, 3 rows/s, elapsed 0m12s, ETA 0m20s");
    }
}
