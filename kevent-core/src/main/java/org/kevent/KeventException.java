package org.kevent;

import java.io.Serial;

/**
 * A system call made on behalf of a queue failed for a reason the library cannot handle itself.
 *
 * <p>The exception names the call ({@code "epoll_ctl"}, {@code "timerfd_settime"}) and the
 * symbolic error ({@code "EMFILE"}), so the cause can be looked up in the call's man page without
 * decoding numbers. Conditions the library treats as normal ({@code EAGAIN}, {@code EINTR}) never
 * surface as this exception.
 */
public class KeventException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String errorName;

    /**
     * Creates an exception for a failed call.
     *
     * @param call      the system call or operation that failed, e.g. {@code "epoll_create1"}
     * @param errorName the symbolic errno, e.g. {@code "EMFILE"}
     * @param message   what went wrong, in words (typically {@code strerror} text plus context)
     */
    public KeventException(String call, String errorName, String message) {
        super(call + ": " + errorName + " (" + message + ")");
        this.call = call;
        this.errorName = errorName;
    }

    /**
     * Returns the system call or operation that failed.
     *
     * @return the call's name, e.g. {@code "epoll_ctl"}
     */
    public String call() {
        return call;
    }

    /**
     * Returns the symbolic error of the failure.
     *
     * @return the errno name, e.g. {@code "EBADF"}
     */
    public String errorName() {
        return errorName;
    }
}
