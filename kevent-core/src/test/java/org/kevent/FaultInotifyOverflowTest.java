package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: a stalled consumer while more files are created than the kernel queues
 * ({@code fs.inotify.max_queued_events}). Survived with the documented event: the records before
 * the loss come in order without a gap, OVERFLOW comes exactly once, and the watch keeps working:
 * a file created afterwards is reported.
 */
@EnabledOnOs(OS.LINUX)
class FaultInotifyOverflowTest {

    @Test
    void aStalledConsumerGetsEveryRecordBeforeTheLossThenOneOverflowThenLaterActivity(@TempDir Path dir) throws IOException {
        int queued = maxQueuedEvents();
        assumeThat(queued).as("a kernel queue small enough to overflow in a test").isLessThanOrEqualTo(65_536);
        try (KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.inode(1, dir, Kevent.INODE_CREATE));
            for (int k = 0; k < queued + 500; k++) {
                Files.createFile(dir.resolve("f" + k));
            }
            List<String> names = new ArrayList<>();
            int overflows = 0;
            EventBuffer out = new EventBuffer(256);
            boolean after = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!after && System.nanoTime() < deadline) {
                int n = queue.getEvents(1, 256, 200, TimeUnit.MILLISECONDS, out);
                if (n == 0 && overflows > 0) {
                    // Everything queued is taken: new activity now must still be reported.
                    Files.createFile(dir.resolve("after"));
                }
                for (int k = 0; k < n; k++) {
                    if ((out.events(k) & Kevent.INODE_OVERFLOW) != 0) {
                        overflows++;
                    } else if ("after".equals(out.name(k))) {
                        after = true;
                    } else if (overflows == 0) {
                        names.add(out.name(k));
                    }
                }
            }
            assertThat(overflows).as("OVERFLOW delivered once").isEqualTo(1);
            assertThat(after).as("a file created after the overflow is reported").isTrue();
            assertThat(names.size()).as("records before the loss").isBetween(queued / 2, queued + 500);
            for (int k = 0; k < names.size(); k++) {
                assertThat(names.get(k)).as("no gap before the OVERFLOW").isEqualTo("f" + k);
            }
        }
    }

    private static int maxQueuedEvents() throws IOException {
        // One read: a sysctl file is at end-of-file for a read at a non-zero offset.
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Integer.parseInt(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
        }
    }
}
