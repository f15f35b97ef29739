package org.kevent.cli.http;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Processors for threads that serve one connection each (virtual threads): a few, not one per
 * connection, since a processor holds about 100 KiB of buffers. A connection needs one only
 * between two waits: it takes one, serves, and gives it back before it waits.
 *
 * <p><b>Semantics</b>: {@link #take} and {@link #give} scan a small array with compare-and-set,
 * starting at a slot picked by the thread, so they allocate nothing; when every slot is empty
 * (more connections mid-serve than slots) a new processor is made, and one given back to a full
 * array is dropped.
 *
 * <p><b>Threading</b>: any thread.
 */
public final class HttpProcessorPool {
    private final AtomicReferenceArray<HttpProcessor> slots;
    private final StaticFiles files;

    /**
     * @param files what new processors serve besides {@code /plaintext}, or null
     */
    public HttpProcessorPool(StaticFiles files) {
        this.files = files;
        this.slots = new AtomicReferenceArray<>(2 * Runtime.getRuntime().availableProcessors());
    }

    /** @return a processor the caller owns until {@link #give} */
    public HttpProcessor take() {
        int n = slots.length();
        int start = (int) (Thread.currentThread().threadId() % n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            HttpProcessor p = slots.get(i);
            if (p != null && slots.compareAndSet(i, p, null)) {
                return p;
            }
        }
        return new HttpProcessor(files);
    }

    /**
     * Gives a processor back; the caller must not use it afterwards.
     *
     * @param p a processor from {@link #take}
     */
    public void give(HttpProcessor p) {
        int n = slots.length();
        int start = (int) (Thread.currentThread().threadId() % n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (slots.get(i) == null && slots.compareAndSet(i, null, p)) {
                return;
            }
        }
    }
}
