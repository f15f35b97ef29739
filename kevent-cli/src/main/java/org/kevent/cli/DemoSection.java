package org.kevent.cli;

import java.util.List;
import java.util.Set;

import org.kevent.EventBuffer;
import org.kevent.EventType;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * One part of the demo: a few interests of one kind, whatever makes them fire, and how to read
 * their events. {@link Demo} registers the interests with the section as their attachment, so
 * each delivered event finds its way back to the section that understands it.
 *
 * <p><b>Threading:</b> {@link #start} and {@link #stop} run on the demo's thread; a section may
 * run its own threads in between. {@link #data2} and {@link #summary} run on the demo's thread.
 */
interface DemoSection {
    /** @return a short name for the summary, e.g. {@code "timers"} */
    String name();

    /**
     * @return the event types the section registers, on the demo's queue or a queue of its own:
     *         a section with a type its engine does not serve is skipped, and nothing of it runs
     *         (its child processes, say, on the portable engine's demo); its sockets are made on
     *         the queue's engine
     */
    Set<EventType> types();

    /**
     * Builds the interests to register; the demo adds them in one batch.
     *
     * @param originNanos the demo's start on {@link System#nanoTime()}'s clock, for absolute deadlines
     * @return the records
     */
    List<Ukevent> interests(long originNanos);

    /**
     * Starts whatever makes the interests fire, once they are registered.
     *
     * @param queue the queue they are registered with
     */
    default void start(KeventQueue queue) {
    }

    /** Stops that activity and waits for it, so that nothing happens behind the final drain. */
    default void stop() {
    }

    /**
     * @return after {@link #stop}, whether every event of the activity has been delivered; the
     *         final drain waits (bounded) for a section that says no, as when the events come
     *         through another thread (INODE on the portable engine's WatchService)
     */
    default boolean settled() {
        return true;
    }

    /**
     * @param type an interest's type
     * @param id   its id
     * @return what the interest is, in a few words: {@code "every 250 ms"}, {@code "ET"}
     */
    String note(EventType type, long id);

    /**
     * Accounts for a delivered event and formats its second data word.
     *
     * @param events the buffer
     * @param i      the event's index
     * @return the data2 column, e.g. {@code "late 85us"}
     */
    String data2(EventBuffer events, int i);

    /** @return lines for the summary, without indentation */
    List<String> summary();
}
