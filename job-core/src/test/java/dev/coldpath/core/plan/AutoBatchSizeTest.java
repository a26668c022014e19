package dev.coldpath.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.encode.ArrayColumn;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.tensor.ElementType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoBatchSizeTest {
    private static Encoder feed(ElementType type, long... inner) {
        return new ArrayColumn("x", type, "c", 0, type.sources().iterator().next(), inner, 1);
    }

    @Test
    void smallRowsGetTheMaximumBatch() {
        assertThat(ScoringPlanner.autoBatchSize(List.of(feed(ElementType.FLOAT, 32)))).isEqualTo(1024);
    }

    @Test
    void largeRowsGetAsManyAsFitEightMebibytes() {
        // a 3x224x224 float image is 602,112 bytes: 13 of them fit 8 MiB
        assertThat(ScoringPlanner.autoBatchSize(List.of(feed(ElementType.FLOAT, 3, 224, 224)))).isEqualTo(13);
        assertThat(ScoringPlanner.autoBatchSize(List.of(feed(ElementType.DOUBLE, 2048, 1024)))).isEqualTo(1);
    }

    @Test
    void everyInputCountsAndASymbolicDimensionFallsBackTo1024() {
        assertThat(ScoringPlanner.autoBatchSize(List.of(feed(ElementType.INT64, 1024), feed(ElementType.INT64, 1024))))
                .isEqualTo(512);
        assertThat(ScoringPlanner.autoBatchSize(List.of(feed(ElementType.FLOAT, -1)))).isEqualTo(1024);
    }
}
