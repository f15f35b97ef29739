package org.kevent.net;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking socket call running on its own thread of either kind, for the tests of blocking
 * calls: start it, wait (bounded) until it really waits in the library, then act and collect its
 * result or exception.
 *
 * @param <T> what the call returns
 */
final class Blocked<T> {
    /** Which thread a call runs on. */
    enum Kind {
        VIRTUAL, PLATFORM;

        Thread.Builder builder() {
            return this == VIRTUAL ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
        }
    }

    /** A socket call that may throw anything. */
    interface Call<T> {
        T run() throws Exception;
    }

    final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    /** The thread's interrupt status when the call ended. */
    private volatile boolean interruptedAfter;

    private Blocked(Kind kind, Call<T> call) {
        thread = kind.builder().unstarted(() -> {
            try {
                result.complete(call.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                interruptedAfter = Thread.currentThread().isInterrupted();
            }
        });
        thread.start();
    }

    static <T> Blocked<T> start(Kind kind, Call<T> call) {
        return new Blocked<>(kind, call);
    }

    /**
     * Waits until the call waits in the library with its thread published: parked by
     * {@code SocketWaits.park} (a virtual thread) or in {@code Fd.poll} (a platform thread), or
     * parked by {@code PortableChannel.await} (a portable socket, either thread). From
     * then on a close or a peer's bytes must wake it; nothing here depends on timing.
     *
     * @return this
     */
    Blocked<T> awaitWaiting() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!waitingInTheLibrary(thread)) {
            if (result.isDone()) {
                throw new AssertionError("the call ended instead of waiting: " + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the call did not wait within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return this;
    }

    /** @return whether the thread sits in a socket wait past the point where it published itself */
    static boolean waitingInTheLibrary(Thread t) {
        boolean inWaits = false;
        boolean deep = false;
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (c.equals("org.kevent.internal.linux.SocketWaits")
                    || c.equals("org.kevent.internal.portable.PortableChannel")) {
                inWaits = true;
            } else if ((c.equals("java.util.concurrent.locks.LockSupport") && e.getMethodName().startsWith("park"))
                    || (c.equals("org.kevent.internal.sys.Fd") && e.getMethodName().equals("poll"))) {
                deep = true;
            }
        }
        return inWaits && deep;
    }

    /** @return the call's result (waits at most 10 s) */
    T get() throws Exception {
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not end within 10 s", e);
        }
    }

    /** @return what the call threw (waits at most 10 s); fails if it returned */
    Throwable failure() throws InterruptedException {
        try {
            T r = result.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the call returned " + r + " instead of throwing");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not end within 10 s", e);
        }
    }

    /** @return the thread's interrupt status when the call ended */
    boolean interruptedAfter() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        return interruptedAfter;
    }

    private String describe() {
        try {
            return String.valueOf(result.getNow(null));
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        }
    }
}
