package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.testing.Plans;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BatchMemoryCheckTest {
    /** The wine MLP: 13 floats a row, 52 bytes. */
    private static ScoringPlan wine(int batchSize) throws Exception {
        byte[] model = Files.readAllBytes(SampleData.model("wine_mlp"));
        ScoringPlan plan = Plans.request(model, SparkTypes.toRowSchema(
                LocalSpark.get().read().parquet(SampleData.data("wine").toString()).schema())).batchSize(batchSize)
                .plan();
        return plan;
    }

    @Test
    void batchesThatFitHalfTheHeapPass() throws Exception {
        // 1024 rows x 52 bytes x 2 copies x 4 slots = 416 KiB of a 1 MiB heap's half.
        assertThatCode(() -> BatchMemoryCheck.check(wine(1024), 1L << 20, 4)).doesNotThrowAnyException();
    }

    @Test
    void aBatchLargerThanTheHeapAllowsIsRefusedNamingTheKeyAndTheFix() throws Exception {
        assertThatThrownBy(() -> BatchMemoryCheck.check(wine(10_000), 1L << 20, 1))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Invalid inference.batch-size: 10000 (a batch of 10000 rows is 507.8 KiB of"
                        + " input tensors, 52 bytes a row; 1 task slot(s) of an executor hold about 1015.6 KiB")
                .hasMessageContaining("more than half of its 1.0 MiB heap")
                .hasMessageContaining("lower inference.batch-size");
    }

    @Test
    void moreTaskSlotsNeedMoreRoom() throws Exception {
        assertThatCode(() -> BatchMemoryCheck.check(wine(2048), 1L << 20, 2)).doesNotThrowAnyException();
        assertThat(catchThrowable(() -> BatchMemoryCheck.check(wine(2048), 1L << 20, 4)))
                .isInstanceOf(JobSpecException.class);
    }
}
