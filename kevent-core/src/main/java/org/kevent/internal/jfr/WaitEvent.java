package org.kevent.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event for a wait that blocked: how long a thread slept in a queue and what it got. Waits that
 * found their events ready are not recorded, so the hot path never allocates one.
 */
@Name("org.kevent.Wait")
@Label("Kevent Wait")
@Category({"kevent", "Queue"})
@Description("A thread blocked in getEvents or a ring await")
@StackTrace(false)
public final class WaitEvent extends jdk.jfr.Event {
    public static final jdk.jfr.EventType TYPE = jdk.jfr.EventType.getEventType(WaitEvent.class);

    @Label("Engine")
    public String engine;

    @Label("Min")
    public int min;

    @Label("Delivered")
    @Description("Events handed out when the wait ended")
    public int delivered;

    @Label("Kernel Waits")
    @Description("Times this thread slept in the kernel as the queue's poller")
    public int kernelWaits;

    /**
     * Starts the event of a wait that may block, or returns null: the hot path (enough events
     * ready, a zero timeout, or JFR off) makes none.
     *
     * @param need    events the wait wants
     * @param ready   events ready now
     * @param canWait whether the wait has a deadline to wait until (not a zero timeout)
     * @return the started event, or null
     */
    public static WaitEvent beginIfBlocking(int need, int ready, boolean canWait) {
        if (need <= ready || !canWait || !TYPE.isEnabled()) {
            return null;
        }
        WaitEvent event = new WaitEvent();
        event.begin();
        event.min = need;
        return event;
    }

    /**
     * Ends and commits the event.
     *
     * @param engineName the queue's engine
     * @param handedOut  events the wait handed out
     */
    public void finish(String engineName, int handedOut) {
        end();
        engine = engineName;
        delivered = handedOut;
        commit();
    }
}
