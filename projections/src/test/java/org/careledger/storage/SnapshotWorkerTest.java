package org.careledger.storage;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SnapshotWorker}: snapshots off the command's thread while it runs, in the caller's thread before it starts
 * and after it stops, and nothing queued is lost when it stops.
 */
class SnapshotWorkerTest {

    @Test
    void whileRunningATaskRunsOnTheSnapshotThreadAndTheCallerDoesNotWaitForIt() throws Exception {
        SnapshotWorker worker = new SnapshotWorker();
        worker.start();
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<String> ranOn = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            worker.execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ranOn.set(Thread.currentThread().getName());
                done.countDown();
            });
            // execute returned although the task is still blocked: the caller did not wait
            assertThat(done.getCount()).isEqualTo(1);
            release.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).isEqualTo("ledger-snapshotter");
        } finally {
            worker.stop();
        }
    }

    @Test
    void beforeStartAndAfterStopATaskRunsInTheCallersThread() {
        SnapshotWorker worker = new SnapshotWorker();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        worker.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        assertThat(worker.isRunning()).isFalse();

        worker.start();
        worker.stop();
        ranOn.set(null);
        worker.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void stoppingFinishesWhatIsQueuedFirst() {
        SnapshotWorker worker = new SnapshotWorker();
        worker.start();
        AtomicBoolean first = new AtomicBoolean();
        AtomicBoolean second = new AtomicBoolean();
        worker.execute(() -> {
            sleep(300);
            first.set(true);
        });
        worker.execute(() -> second.set(true));
        worker.stop();
        assertThat(first).isTrue();
        assertThat(second).isTrue();
        assertThat(worker.isRunning()).isFalse();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
