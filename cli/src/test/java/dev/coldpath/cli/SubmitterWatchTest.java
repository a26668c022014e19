package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SubmitterWatchTest {
    @Test
    void aSubmitterKilledWithSignalNineIsNoticedWithinSeconds() throws Exception {
        Process submitter = new ProcessBuilder("sleep", "300").start();
        CountDownLatch gone = new CountDownLatch(1);
        try {
            ScheduledExecutorService watch = SubmitterWatch.start(
                    Map.of(SubmitterWatch.PID_ENV, Long.toString(submitter.pid())), gone::countDown).orElseThrow();
            Thread.sleep(3 * SubmitterWatch.EVERY.toMillis());
            assertThat(gone.getCount()).as("noticed while the submitter runs").isEqualTo(1);

            submitter.destroyForcibly().waitFor();

            assertThat(gone.await(60, TimeUnit.SECONDS)).as("noticed after the kill").isTrue();
            assertThat(watch.awaitTermination(10, TimeUnit.SECONDS)).as("the watch stops itself").isTrue();
        } finally {
            submitter.destroyForcibly();
        }
    }

    @Test
    void withoutASubmitterPidNothingIsWatched() {
        assertThat(SubmitterWatch.start(Map.of(), () -> { })).isEmpty();
        assertThat(SubmitterWatch.start(Map.of(SubmitterWatch.PID_ENV, "not-a-pid"), () -> { })).isEmpty();
    }

    @Test
    void aSubmitterThatIsAlreadyGoneStopsTheDriverAtOnce() throws Exception {
        Process submitter = new ProcessBuilder("true").start();
        submitter.waitFor();
        CountDownLatch gone = new CountDownLatch(1);

        assertThat(SubmitterWatch.start(Map.of(SubmitterWatch.PID_ENV, Long.toString(submitter.pid())),
                gone::countDown)).isEmpty();
        assertThat(gone.getCount()).isZero();
    }
}
