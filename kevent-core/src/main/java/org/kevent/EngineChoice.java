package org.kevent;

import java.util.function.Supplier;

import org.kevent.internal.access.EngineSecrets;

/**
 * Which engine a new queue runs on (docs/SEMANTICS.md §10): the one the builder or the system
 * property {@code kevent.engine} asks for, else Linux when it can run and the portable engine when
 * it cannot, with the reason logged once through {@link System.Logger}.
 *
 * <p>"Cannot run" is decided by trying: the Linux engine is opened, and a refusal of native access
 * ({@link IllegalCallerException}, also inside the {@link ExceptionInInitializerError} of a binding
 * class), a platform without FFM ({@link UnsupportedOperationException}), a missing C function
 * ({@link LinkageError}) or a kernel without a facility ({@code ENOSYS}) means fallback. Anything
 * else, e.g. {@code EMFILE}, is the caller's error as before: a queue that fails for lack of
 * descriptors must not quietly become a slower queue. A fallback is remembered for the JVM's life:
 * none of its causes goes away, and the binding classes whose initializer failed stay unusable.
 *
 * <p>Sockets and files of {@code org.kevent.net} follow the same choice when they are made
 * ({@link #make}, through {@link EngineSecrets}): the system property, then whether the Linux
 * engine can run, tried the same way on the socket's own first system call.
 */
final class EngineChoice {
    /** System property choosing the engine: {@code linux}, {@code portable} or {@code auto}. */
    static final String PROPERTY = "kevent.engine";

    private static final String NOT_LINUX = "the OS is ";

    /** Why the Linux engine cannot run in this JVM, once a queue found out; null until then. */
    private static volatile String linuxUnavailable;

    /** Whether a fallback was logged; guarded by the class. */
    private static boolean logged;

    static {
        EngineSecrets.setChoice(EngineChoice::make);
    }

    private EngineChoice() {
    }

    /**
     * Makes a socket or a file of {@code org.kevent.net} on the default engine: the system
     * property's, else Linux when it can run, else portable (a refusal found here is remembered
     * and logged as a queue's is).
     *
     * @param call     the call, for the refusal when linux was asked for and cannot run
     * @param linux    makes it on the Linux engine
     * @param portable makes it on the portable engine
     * @return what the chosen supplier made
     */
    static <T> T make(String call, Supplier<T> linux, Supplier<T> portable) {
        return open(asked(null), System.getProperty("os.name"), call, linux, portable);
    }

    /**
     * @param asked the builder's choice, or null for none
     * @return the engine asked for: the builder's, else the system property's, else AUTO
     * @throws IllegalArgumentException if the system property names no engine
     */
    static QueueEngine asked(QueueEngine asked) {
        if (asked != null) {
            return asked;
        }
        String value = System.getProperty(PROPERTY, QueueEngine.AUTO.toString());
        try {
            return QueueEngine.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected linux, portable or auto", e);
        }
    }

    /**
     * Opens a queue on the engine asked for.
     *
     * @param asked    what {@link #asked} returned
     * @param osName   the OS, as {@code os.name} says
     * @param linux    opens a queue on the Linux engine
     * @param portable opens a queue on the portable engine
     * @return the queue
     * @throws KeventException naming {@code EOPNOTSUPP} if LINUX was asked for and cannot run here,
     *                         or whatever the engine's own opening throws
     */
    static <T> T open(QueueEngine asked, String osName, Supplier<T> linux, Supplier<T> portable) {
        return open(asked, osName, "KeventQueue.open", linux, portable);
    }

    /** {@link #open(QueueEngine, String, Supplier, Supplier)} for {@code call}, named in its refusal. */
    private static <T> T open(QueueEngine asked, String osName, String call, Supplier<T> linux, Supplier<T> portable) {
        if (asked == QueueEngine.PORTABLE) {
            return portable.get();
        }
        String why = linuxUnavailable;
        if (why == null) {
            why = notLinux(osName);
        }
        if (why == null) {
            try {
                return linux.get();
            } catch (RuntimeException | LinkageError e) {
                why = fallbackReason(e);
                if (why == null) {
                    throw e;
                }
            }
        }
        if (asked == QueueEngine.LINUX) {
            linuxUnavailable = why;
            throw new KeventException(call, "EOPNOTSUPP", "linux engine unavailable: " + why
                    + " (asked for with " + PROPERTY + "=linux or Builder.engine(LINUX))");
        }
        fellBack(why);
        return portable.get();
    }

    /** @return why an OS cannot run the Linux engine, or null if it is Linux */
    static String notLinux(String osName) {
        return osName != null && osName.startsWith("Linux") ? null : NOT_LINUX + osName + ", not Linux";
    }

    /**
     * @param e what opening the Linux engine threw
     * @return the reason to fall back it stands for, or null if it is an error of its own
     */
    static String fallbackReason(Throwable e) {
        Throwable t = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        if (t instanceof IllegalCallerException) {
            return "native access refused (" + t.getMessage() + "; run with --enable-native-access=org.kevent,"
                    + " or ALL-UNNAMED on the class path)";
        }
        if (t instanceof UnsupportedOperationException) {
            return "no foreign function support on this platform (" + t.getMessage() + ")";
        }
        if (t instanceof LinkageError) {
            return "the native bindings cannot link (" + t + ")";
        }
        if (t instanceof KeventException k && "ENOSYS".equals(k.errorName())) {
            return "the kernel lacks a facility (" + k.getMessage() + ")";
        }
        return null;
    }

    /** Remembers a fallback, and logs the first of the JVM. */
    private static void fellBack(String why) {
        synchronized (EngineChoice.class) {
            linuxUnavailable = why;
            if (logged) {
                return;
            }
            logged = true;
        }
        // Expected off Linux; on Linux it is a setting or a kernel the user may want to fix.
        System.getLogger("org.kevent").log(why.startsWith(NOT_LINUX)
                ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "linux engine unavailable: " + why + ", using portable");
    }

    /** @return the remembered reason of a fallback, or null if none happened in this JVM */
    static String linuxUnavailable() {
        return linuxUnavailable;
    }

    /** Tests: sets or clears the remembered reason. */
    static synchronized void rememberForTests(String why) {
        linuxUnavailable = why;
        logged = false;
    }
}
