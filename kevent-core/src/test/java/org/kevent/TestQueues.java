package org.kevent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.BooleanSupplier;

import org.kevent.testing.FakePoller;
import org.kevent.testing.ManualClock;

/**
 * Helpers shared by the queue tests of this package. Here rather than in {@code org.kevent.testing}
 * because {@link #fake} uses {@code KeventQueue.Builder}'s package-private test hooks.
 */
final class TestQueues {
    private TestQueues() {
    }

    static final long START = 1_000_000_000L;

    static KeventQueue fake(ManualClock clock) {
        return KeventQueue.builder().clock(clock).poller(new FakePoller(clock)).open();
    }

    /** Runs a blocking call on its own platform thread (the common pool has one thread on 2 cores). */
    static <T> CompletableFuture<T> async(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, TestQueues::startThread);
    }

    /**
     * Starts a thread of the caller's kind: a virtual one from a virtual thread (a test run by
     * {@link OnVirtualThreads}), else a daemon platform thread, so one test body checks the wait
     * rules for both kinds of waiter.
     */
    static Thread startThread(Runnable body) {
        return Thread.currentThread().isVirtual() ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body);
    }

    /** Open file descriptors of this process. */
    static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls a condition that another thread makes true; fails after 10 s rather than hanging. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }
}
