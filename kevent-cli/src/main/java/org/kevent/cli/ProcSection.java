package org.kevent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.Kevent;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Process exits: two short child processes, each a PROC interest. One is a shell that waits on its
 * standard input and exits with 3 when the section closes it; the other sleeps and is killed
 * with {@code SIGKILL}. Each EXIT event carries the status the JDK reports (3, and 128 + 9), so
 * the run is the same every time: the children end when the section says so, not on a timer.
 */
final class ProcSection implements DemoSection {
    private static final long COOKIE_BASE = 4000;
    static final int EXIT_CODE = 3;
    private static final int SIGKILL = 9;

    private Process exiting;
    private Process killed;
    private final List<String> seen = new ArrayList<>();

    @Override
    public String name() {
        return "proc";
    }

    /**
     * The event types this section registers, for a demo that skips the sections its engine
     * cannot serve (PROC needs a pidfd: the linux engine).
     *
     * @return PROC
     */
    @Override
    public Set<EventType> types() {
        return EnumSet.of(EventType.PROC);
    }

    @Override
    public List<Ukevent> interests(long originNanos) {
        exiting = spawn("/bin/sh", "-c", "read line; exit " + EXIT_CODE);
        killed = spawn("sleep", "60");
        return List.of(Ukevent.process(exiting).withCookie(COOKIE_BASE + 1),
                Ukevent.process(killed).withCookie(COOKIE_BASE + 2));
    }

    private static Process spawn(String... command) {
        try {
            return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
    }

    @Override
    public void start(KeventQueue queue) {
        try {
            exiting.getOutputStream().close(); // its `read` sees the end: it exits with 3
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        killed.destroyForcibly();
    }

    @Override
    public void stop() {
        // Both have ended by now unless the demo was cut short; either way none outlives it.
        if (exiting != null) {
            exiting.destroyForcibly();
        }
        if (killed != null) {
            killed.destroyForcibly();
        }
    }

    @Override
    public String note(EventType type, long id) {
        if (exiting != null && id == exiting.pid()) {
            return "child: sh, exit " + EXIT_CODE;
        }
        return killed != null && id == killed.pid() ? "child: sleep 60, SIGKILL" : "pid " + id;
    }

    @Override
    public String data2(EventBuffer events, int i) {
        int status = events.exitStatus(i);
        String what = status == Kevent.PROC_STATUS_UNKNOWN ? "status unknown"
                : status > 128 ? "killed, signal " + (status - 128) : "exit " + status;
        seen.add(what);
        return what;
    }

    @Override
    public List<String> summary() {
        boolean both = seen.contains("exit " + EXIT_CODE) && seen.contains("killed, signal " + SIGKILL);
        return List.of("2 children started, " + seen.size() + " exits seen: " + String.join(", ", seen)
                + (both ? "" : " (MISSING EXITS)"));
    }
}
