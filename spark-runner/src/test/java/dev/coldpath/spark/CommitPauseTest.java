package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.ClusterException;
import dev.coldpath.core.error.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pause before a commit that kill tests use: an interrupt or a marker it cannot write fails the run. */
class CommitPauseTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptDuringThePauseFailsTheRunInsteadOfCommittingIt() throws Exception {
        Path marker = dir.resolve("pause");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread run = new Thread(() -> {
            try {
                CommitPause.hold("r1", marker);
            } catch (RuntimeException e) {
                thrown.set(e);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        run.start();
        for (int i = 0; i < 200 && !Files.exists(marker); i++) {
            Thread.sleep(25);
        }
        assertThat(marker).hasContent("r1");
        run.interrupt();
        run.join(10_000);

        assertThat(thrown.get()).isInstanceOf(ClusterException.class)
                .hasMessageContaining("Run r1 was interrupted while it paused before its commit");
        assertThat(interrupted).isTrue();
    }

    @Test
    void aMarkerThatCannotBeWrittenIsAStorageFailure() {
        assertThatThrownBy(() -> CommitPause.hold("r1", dir.resolve("missing/pause")))
                .isInstanceOf(StorageException.class).hasMessageContaining("missing/pause");
    }
}
