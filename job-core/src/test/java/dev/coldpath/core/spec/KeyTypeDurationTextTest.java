package dev.coldpath.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyTypeDurationTextTest {
    static Stream<Arguments> durations() {
        return Stream.of(Arguments.of(Duration.ofSeconds(8), "8s"), Arguments.of(Duration.ofSeconds(90), "90s"),
                Arguments.of(Duration.ofMinutes(30), "30m"), Arguments.of(Duration.ofMinutes(90), "90m"),
                Arguments.of(Duration.ofHours(2), "2h"), Arguments.of(Duration.ofDays(1), "1d"),
                Arguments.of(Duration.ofMillis(1), "PT0.001S"), Arguments.of(Duration.ofMillis(1500), "PT1.5S"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("durations")
    void aDurationIsWrittenAsAUserWritesTheKeyAndReadsBackTheSame(Duration d, String text) {
        assertThat(KeyType.durationText(d)).isEqualTo(text);
        assertThat(JobSpec.from(JobConfig.of(java.util.Map.of("model", "m.onnx", "input.path", "in",
                "output.path", "out", "budget.max-wall-time", text), "test")).budget().maxWallTime())
                .contains(d);
    }
}
