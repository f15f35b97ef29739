package org.kevent.cli.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/** The plaintext path parses and answers pipelined requests without allocating per request. */
class SteadyStateAllocationTest {
    /** Endless pipelined requests in, answers counted and dropped, no allocation of its own. */
    private static final class LoopIo implements HttpIo {
        private final byte[] batch;
        private int reads;
        private final int readsPerServe;
        long sentBytes;

        LoopIo(byte[] batch, int readsPerServe) {
            this.batch = batch;
            this.readsPerServe = readsPerServe;
        }

        @Override
        public int recv(byte[] buf, int off, int len) {
            if (reads++ % (readsPerServe + 1) == readsPerServe) {
                return 0;   // would block: ends one serve call
            }
            int n = Math.min(len, batch.length);
            System.arraycopy(batch, 0, buf, off, n);
            return n;
        }

        @Override
        public int send(byte[] buf, int off, int len) {
            sentBytes += len;
            return len;
        }

        @Override
        public long sendFile(FileBody file, long offset, long count) {
            throw new AssertionError("no files here");
        }
    }

    @Test
    void servingPipelinedPlaintextAllocatesNothingPerRequest() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs thread allocation counters");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        byte[] batch = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nUser-Agent: wrk\r\n\r\n".repeat(16).getBytes(ISO_8859_1);
        HttpProcessor p = new HttpProcessor(null);
        LoopIo io = new LoopIo(batch, 4);
        HttpConnection c = new HttpConnection(io);
        for (int i = 0; i < 20_000; i++) {   // warm up, and take the one-time allocations
            p.serve(c);
        }
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        int serves = 50_000;   // 4 reads x 16 requests each: 3.2 million requests
        int notWaiting = 0;
        for (int i = 0; i < serves; i++) {
            if (p.serve(c) != HttpProcessor.WAIT_RECV) {   // no AssertJ in the loop: it allocates
                notWaiting++;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;

        assertThat(notWaiting).isZero();
        assertThat(io.sentBytes).isPositive();
        // The Date line is rebuilt once a second (a few hundred bytes); per request there is nothing.
        assertThat(allocated).as("bytes allocated for %d requests", serves * 64L).isLessThan(64 * 1024);
    }
}
