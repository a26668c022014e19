package dev.coldpath.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
    @Test
    void numericDistributionOfManyValuesKeepsTheirShapeFromASample() {
        RunMetrics metrics = new RunMetrics();
        OutputStats stats = metrics.output("p", OutputStats.Kind.NUMERIC);
        for (int i = 0; i < 200_000; i++) {
            stats.add((i * 7919L % 200_000) / 200_000.0); // every value of [0, 1) once, shuffled
        }

        Map<String, Object> out = stats.toMap();
        assertThat(out).containsEntry("count", 200_000L).containsEntry("min", 0.0);
        assertThat((double) out.get("mean")).isCloseTo(0.5, within(0.001));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> bins = (List<Map<String, Object>>) out.get("histogram");
        assertThat(bins).hasSize(20);
        for (Map<String, Object> bin : bins) {
            assertThat(((Number) bin.get("count")).doubleValue()).isCloseTo(10_000, within(2_000.0));
        }
    }

    @Test
    void mergedTasksAddUpStagesThroughputAndClasses() {
        RunMetrics a = new RunMetrics();
        RunMetrics b = new RunMetrics();
        a.record(Stage.INFERENCE, 2_000_000);
        b.record(Stage.INFERENCE, 4_000_000);
        a.batchDone(10, 3);
        b.batchDone(5, 4);
        a.output("label", OutputStats.Kind.CLASSES).addClass("1");
        b.output("label", OutputStats.Kind.CLASSES).addClass("1");

        a.merge(b);

        Map<String, Object> m = a.toMap(1.0);
        assertThat(m).containsEntry("batches", 2L).containsEntry("rows_per_second", 15.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> inference = ((Map<String, Map<String, Object>>) m.get("stages")).get("inference");
        assertThat(inference).containsEntry("count", 2L);
        assertThat((double) inference.get("max_ms")).isCloseTo(4.0, within(0.04)); // HdrHistogram keeps 1 %
        assertThat(m.get("throughput")).isEqualTo(List.of(Map.of("second", 0L, "rows", 10L),
                Map.of("second", 1L, "rows", 5L)));
        @SuppressWarnings("unchecked")
        Map<String, Object> label = ((Map<String, Map<String, Object>>) m.get("outputs")).get("label");
        assertThat(label.get("counts")).isEqualTo(Map.of("1", 2L));
    }
}
