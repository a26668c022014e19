package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A champion and a shadow fed the same tensors hold one batch of them, not two. */
    @Test
    void severalModelsFedTheSameColumnsCountTheirTensorsOnce(@TempDir Path tmp)
            throws Exception {
        Path job = tmp.resolve("job.yaml");
        String wine = SampleData.model("wine_mlp").toString();
        Files.writeString(job, "models:\n  - {name: a, model: " + wine + ", role: champion}\n"
                + "  - {name: b, model: " + wine + ", role: shadow}\ninput: {path: " + SampleData.data("wine")
                + "}\noutput: {path: " + tmp.resolve("t") + "}\ninference: {batch-size: 1024}\n");
        ScoringPlan plan = JobPreflight.check(JobSpec.from(JobConfig.load(job))).plan().orElseThrow();
        assertThat(plan.bindings()).hasSize(2);

        // 1024 rows x 52 bytes x 2 copies x 4 slots = 416 KiB: within half of 1 MiB once, not twice (832 KiB)
        assertThatCode(() -> BatchMemoryCheck.check(plan, 1L << 20, 4)).doesNotThrowAnyException();
        assertThat(catchThrowable(() -> BatchMemoryCheck.check(plan, 1L << 20, 8)))
                .isInstanceOf(JobSpecException.class).hasMessageStartingWith("Invalid inference.batch-size: 1024");
    }
}
