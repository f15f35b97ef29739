package org.kevent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue activity shows up in JFR. */
class JfrEventsTest {

    @Test
    void blockingWaitsAndControlBatchesAreRecorded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kevent.jfr");
        try (Recording recording = new Recording(); KeventQueue queue = KeventQueue.open()) {
            recording.enable("org.kevent.Wait").withThreshold(java.time.Duration.ZERO);
            recording.enable("org.kevent.Ctl").withThreshold(java.time.Duration.ZERO);
            recording.start();
            queue.ctl(CtlOp.ADD, Ukevent.user(1), Ukevent.user(1));
            EventBuffer out = new EventBuffer(4);
            queue.getEvents(1, 4, 2, TimeUnit.MILLISECONDS, out);
            queue.trigger(1);
            queue.getEvents(1, 4, 0, TimeUnit.MILLISECONDS, out);
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> waits = events.stream().filter(e -> e.getEventType().getName().equals("org.kevent.Wait")).toList();
        List<RecordedEvent> ctls = events.stream().filter(e -> e.getEventType().getName().equals("org.kevent.Ctl")).toList();
        assertThat(waits).as("only the wait that blocked").hasSize(1);
        assertThat(waits.getFirst().getInt("delivered")).isZero();
        assertThat(waits.getFirst().getString("engine")).isEqualTo(expectedEngineName());
        assertThat(ctls).hasSize(1);
        assertThat(ctls.getFirst().getInt("records")).isEqualTo(2);
        assertThat(ctls.getFirst().getInt("failures")).isEqualTo(1);
        assertThat(Files.size(file)).isPositive();
    }

    /** @return the engine name the wait events of this suite's queues carry */
    String expectedEngineName() {
        return "linux-epoll";
    }
}
