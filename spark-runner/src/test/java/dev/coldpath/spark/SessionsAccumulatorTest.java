package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.SessionCache;
import dev.coldpath.core.model.SessionSettings;
import dev.coldpath.core.spec.ExecutorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a run counts its sessions when tasks' reports go missing: Spark drops the accumulator updates of a task whose
 * executor is lost, so every task of the run reports the session it used, and the driver counts each once. No Spark:
 * the executor's session cache and the accumulator, as two tasks of one executor use them.
 */
class SessionsAccumulatorTest {
    private static final SessionSettings CPU = SessionSettings.cpu(1);

    @AfterEach
    void emptyTheExecutorsCache() {
        ExecutorSessions.cache().reset();
    }

    @Test
    void aSessionWhoseOpeningTasksReportWasLostIsCountedOnceThroughTheOtherTasksThatUsedIt() throws Exception {
        ModelArtifact model = artifact("breast_cancer_logreg");
        ExecutorSessions.cache().reset();
        try (SessionCache.Lease opening = ExecutorSessions.acquire(model, CPU, ExecutorSpec.DEFAULTS, "run-1");
             SessionCache.Lease second = ExecutorSessions.acquire(model, CPU, ExecutorSpec.DEFAULTS, "run-1");
             SessionCache.Lease third = ExecutorSessions.acquire(model, CPU, ExecutorSpec.DEFAULTS, "run-1")) {
            assertThat(opening.created()).isTrue();
            assertThat(second.created()).isFalse();
            SessionsAccumulator driver = new SessionsAccumulator();
            // The opening task's executor was lost: only the second and third tasks' updates reach the driver.
            driver.merge(taskReport(second));
            driver.merge(taskReport(third));

            assertThat(driver.value()).singleElement().satisfies(s -> {
                assertThat(s.owner()).isEqualTo("0@jvm");
                assertThat(s.loadNanos()).isEqualTo(opening.model().loadNanos());
            });
        }
    }

    @Test
    void aSessionOpenedByAnEarlierRunIsNotCountedAgainByALaterOne() throws Exception {
        ModelArtifact model = artifact("breast_cancer_logreg");
        ExecutorSessions.cache().reset();
        try (SessionCache.Lease first = ExecutorSessions.acquire(model, CPU, ExecutorSpec.DEFAULTS, "run-1")) {
            assertThat(first.created()).isTrue();
        }
        try (SessionCache.Lease later = ExecutorSessions.acquire(model, CPU, ExecutorSpec.DEFAULTS, "run-2")) {
            assertThat(later.created()).isFalse();
            assertThat(ExecutorSessions.opening(later.model()).map(ExecutorSessions.Opening::run))
                    .contains("run-1");
        }
    }

    @Test
    void twoSessionsOfOneExecutorAreTwoEvenWithTheSameOwner() {
        SessionsAccumulator driver = new SessionsAccumulator();
        driver.add(new SessionsAccumulator.Opened("0@1@host", 1, 10));
        driver.add(new SessionsAccumulator.Opened("0@1@host", 2, 20)); // reopened after the cache closed it
        SessionsAccumulator task = new SessionsAccumulator();
        task.add(new SessionsAccumulator.Opened("0@1@host", 2, 20));

        driver.merge(task);

        assertThat(driver.value()).hasSize(2);
        assertThat(driver.copy().value()).isEqualTo(driver.value());
    }

    /** What one task adds, as the partition function (ScoreBindings) does, for a session of run-1. */
    private static SessionsAccumulator taskReport(SessionCache.Lease lease) {
        SessionsAccumulator task = new SessionsAccumulator();
        Optional<ExecutorSessions.Opening> opening = ExecutorSessions.opening(lease.model());
        assertThat(opening).as("the opening recorded for the cached session").isPresent();
        assertThat(opening.get().run()).isEqualTo("run-1");
        task.add(new SessionsAccumulator.Opened("0@jvm", opening.get().serial(), lease.model().loadNanos()));
        return task;
    }

    private static ModelArtifact artifact(String name) throws Exception {
        Path file = SampleData.model(name);
        byte[] bytes = Files.readAllBytes(file);
        return new ModelArtifact(file.toString(), ModelArtifact.sha256(bytes), bytes.length, name, "1", Map.of());
    }
}
