package org.imagetree.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, a SIGTERM (Jenkins abort, {@code kill}, Ctrl-C) interrupts the thread that opened it and holds the
 * JVM's shutdown until that thread has closed this, at most {@code grace}: the executor then cancels its builds
 * (the engine stops them and removes their containers) and deletes its temporary build contexts.
 */
final class InterruptOnShutdown implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private InterruptOnShutdown(Thread worker, Duration grace) {
        this.hook = new Thread(() -> {
            worker.interrupt();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "imagetree-shutdown");
    }

    /** Guards the calling thread. */
    static InterruptOnShutdown open(Duration grace) {
        InterruptOnShutdown guard = new InterruptOnShutdown(Thread.currentThread(), grace);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and now lets the JVM exit
        }
    }
}
