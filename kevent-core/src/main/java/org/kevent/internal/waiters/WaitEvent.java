package org.kevent.internal.waiters;

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
    int kernelWaits;
}
