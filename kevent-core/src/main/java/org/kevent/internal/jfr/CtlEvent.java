package org.kevent.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event for one control batch: how many records, how many failed. */
@Name("org.kevent.Ctl")
@Label("Kevent Control")
@Category({"kevent", "Queue"})
@Description("A batch of add, remove or modify records")
@StackTrace(false)
public final class CtlEvent extends jdk.jfr.Event {
    /** The event's type, to check cheaply whether recording is on. */
    public static final jdk.jfr.EventType TYPE = jdk.jfr.EventType.getEventType(CtlEvent.class);

    @Label("Operation")
    public String op;

    @Label("Records")
    public int records;

    @Label("Failures")
    public int failures;

    @Label("Registered")
    @Description("Interests registered after the batch")
    public long registered;
}
