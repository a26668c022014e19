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

        OutputSummary.Numeric out = (OutputSummary.Numeric) stats.summary();
        assertThat(out.count()).isEqualTo(200_000L);
        assertThat(out.min()).isEqualTo(0.0);
        assertThat(out.mean()).isCloseTo(0.5, within(0.001));
        List<OutputSummary.Bin> bins = out.histogram();
        assertThat(bins).hasSize(20);
        for (OutputSummary.Bin bin : bins) {
            assertThat((double) bin.count()).isCloseTo(10_000, within(2_000.0));
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

        assertThat(a.batches()).isEqualTo(2L);
        assertThat(a.rowsPerSecond(1.0)).isEqualTo(15.0);
        StageSummary inference = a.stageSummary(Stage.INFERENCE);
        assertThat(inference.count()).isEqualTo(2L);
        assertThat(inference.maxMs()).isCloseTo(4.0, within(0.04)); // HdrHistogram keeps 1 %
        assertThat(a.throughput()).isEqualTo(List.of(new ThroughputPoint(0L, 10L), new ThroughputPoint(1L, 5L)));
        OutputSummary.Classes label = (OutputSummary.Classes) a.outputSummaries().get("label");
        assertThat(label.counts()).isEqualTo(Map.of("1", 2L));
    }

    @Test
    void latencyHistogramBinsAreLogSpacedContiguousAndHoldEveryBatch() {
        RunMetrics m = new RunMetrics();
        for (long micros : new long[] {100, 250, 1_000, 4_000, 40_000}) {
            m.record(Stage.READ, micros * 1000);
        }

        List<LatencyBin> bins = m.stageSummary(Stage.READ).histogram();

        assertThat(bins).hasSize(20);
        assertThat(bins.stream().mapToLong(LatencyBin::count).sum()).isEqualTo(5);
        assertThat(bins.get(0).lowerMs()).isCloseTo(0.1, within(0.002));
        assertThat(bins.get(19).upperMs()).isCloseTo(40.0, within(0.5));
        for (int i = 1; i < bins.size(); i++) {
            assertThat(bins.get(i).lowerMs()).isEqualTo(bins.get(i - 1).upperMs());
        }
    }
}
