package org.careledger.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    void stoppingFinishesWhatIsQueuedFirst() throws Exception {
        SnapshotWorker worker = new SnapshotWorker();
        worker.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean();
        AtomicBoolean second = new AtomicBoolean();
        worker.execute(() -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            first.set(true);
        });
        worker.execute(() -> second.set(true));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        Thread stopper = new Thread(worker::stop, "stopper");
        stopper.start();
        // stop() is waiting for the queue: it has not returned while the first snapshot is still held
        await().atMost(Duration.ofSeconds(10)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        assertThat(stopper.isAlive()).isTrue();
        assertThat(second).isFalse();

        release.countDown();
        stopper.join(Duration.ofSeconds(10).toMillis());
        assertThat(stopper.isAlive()).isFalse();
        assertThat(first).isTrue();
        assertThat(second).isTrue();
        assertThat(worker.isRunning()).isFalse();
    }
}
