package org.kevent.internal.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.kevent.KeventException;

/**
 * Names, messages and exceptions for Linux errno values.
 *
 * <p><b>Semantics.</b> The bindings of this package return {@code -errno}; this class turns such a
 * value into the symbolic name ({@code "EBADF"}) and the C library's message
 * ({@code "Bad file descriptor"}), and builds the one exception type the library throws for a
 * failed call. Every method accepts the value with either sign, so a binding's raw result can be
 * passed straight through.
 *
 * <p><b>Threading.</b> All methods are safe from any thread; they read tables built once.
 *
 * <p><b>Caveats.</b> The values are the asm-generic ones shared by x86-64 and aarch64 (and every
 * other 64-bit architecture the JDK runs on; only alpha, mips, parisc and sparc differ). Messages
 * come from glibc's {@code strerrordesc_np} when present, because {@code strerror} follows
 * {@code LC_MESSAGES} and is not thread-safe for unknown values; on an older C library they come
 * from {@code strerror} at class initialisation, which runs on one thread.
 */
public final class Errno {

    /** {@code EPERM}: {@value}. */
    public static final int EPERM = 1; // asm-generic/errno-base.h

    /** {@code ENOENT}: {@value}. */
    public static final int ENOENT = 2; // asm-generic/errno-base.h

    /** {@code ESRCH}: {@value}. */
    public static final int ESRCH = 3; // asm-generic/errno-base.h

    /** {@code EINTR}: {@value}. */
    public static final int EINTR = 4; // asm-generic/errno-base.h

    /** {@code EIO}: {@value}. */
    public static final int EIO = 5; // asm-generic/errno-base.h

    /** {@code EBADF}: {@value}. */
    public static final int EBADF = 9; // asm-generic/errno-base.h

    /** {@code EAGAIN}: {@value}. */
    public static final int EAGAIN = 11; // asm-generic/errno-base.h

    /** {@code ENOMEM}: {@value}. */
    public static final int ENOMEM = 12; // asm-generic/errno-base.h

    /** {@code EACCES}: {@value}. */
    public static final int EACCES = 13; // asm-generic/errno-base.h

    /** {@code EFAULT}: {@value}. */
    public static final int EFAULT = 14; // asm-generic/errno-base.h

    /** {@code EBUSY}: {@value}. */
    public static final int EBUSY = 16; // asm-generic/errno-base.h

    /** {@code EEXIST}: {@value}. */
    public static final int EEXIST = 17; // asm-generic/errno-base.h

    /** {@code ENODEV}: {@value}. */
    public static final int ENODEV = 19; // asm-generic/errno-base.h

    /** {@code ENOTDIR}: {@value}. */
    public static final int ENOTDIR = 20; // asm-generic/errno-base.h

    /** {@code EISDIR}: {@value}. */
    public static final int EISDIR = 21; // asm-generic/errno-base.h

    /** {@code EINVAL}: {@value}. */
    public static final int EINVAL = 22; // asm-generic/errno-base.h

    /** {@code ENFILE}: {@value}. */
    public static final int ENFILE = 23; // asm-generic/errno-base.h

    /** {@code EMFILE}: {@value}. */
    public static final int EMFILE = 24; // asm-generic/errno-base.h

    /** {@code ENOSPC}: {@value}. */
    public static final int ENOSPC = 28; // asm-generic/errno-base.h

    /** {@code EPIPE}: {@value}. */
    public static final int EPIPE = 32; // asm-generic/errno-base.h

    /** {@code ERANGE}: {@value}. */
    public static final int ERANGE = 34; // asm-generic/errno-base.h

    /** {@code ENOSYS}: {@value}. */
    public static final int ENOSYS = 38; // asm-generic/errno.h

    /** {@code ENOTSOCK}: {@value}. */
    public static final int ENOTSOCK = 88; // asm-generic/errno.h

    /** {@code EOPNOTSUPP}: {@value}. */
    public static final int EOPNOTSUPP = 95; // asm-generic/errno.h

    /** {@code EADDRINUSE}: {@value}. */
    public static final int EADDRINUSE = 98; // asm-generic/errno.h

    /** {@code ECONNRESET}: {@value}. */
    public static final int ECONNRESET = 104; // asm-generic/errno.h

    /** {@code ENOTCONN}: {@value}. */
    public static final int ENOTCONN = 107; // asm-generic/errno.h

    /** {@code ETIME}: {@value} (io_uring's "the wait's timeout passed"). */
    public static final int ETIME = 62; // asm-generic/errno.h
    /** {@code ETIMEDOUT}: {@value}. */
    public static final int ETIMEDOUT = 110; // asm-generic/errno.h

    /** {@code ECONNREFUSED}: {@value}. */
    public static final int ECONNREFUSED = 111; // asm-generic/errno.h

    /** {@code EINPROGRESS}: {@value}. */
    public static final int EINPROGRESS = 115; // asm-generic/errno.h

    /** {@code ECANCELED}: {@value}. */
    public static final int ECANCELED = 125; // asm-generic/errno.h

    /** {@code ENOBUFS}: {@value}. */
    public static final int ENOBUFS = 105; // asm-generic/errno.h

    /** {@code ELOOP}: {@value}. */
    public static final int ELOOP = 40; // asm-generic/errno.h

    /** {@code ENAMETOOLONG}: {@value}. */
    public static final int ENAMETOOLONG = 36; // asm-generic/errno.h

    /** {@code EXDEV}: {@value}. */
    public static final int EXDEV = 18; // asm-generic/errno-base.h

    /** {@code ENOTEMPTY}: {@value}. */
    public static final int ENOTEMPTY = 39; // asm-generic/errno.h

    /** {@code EROFS}: {@value}. */
    public static final int EROFS = 30; // asm-generic/errno-base.h

    /** {@code EALREADY}: {@value}. */
    public static final int EALREADY = 114; // asm-generic/errno.h

    /** {@code EISCONN}: {@value}. */
    public static final int EISCONN = 106; // asm-generic/errno.h

    /** {@code EADDRNOTAVAIL}: {@value}. */
    public static final int EADDRNOTAVAIL = 99; // asm-generic/errno.h

    /** {@code ENETUNREACH}: {@value}. */
    public static final int ENETUNREACH = 101; // asm-generic/errno.h

    /** {@code EHOSTUNREACH}: {@value}. */
    public static final int EHOSTUNREACH = 113; // asm-generic/errno.h

    /** {@code ECONNABORTED}: {@value}. */
    public static final int ECONNABORTED = 103; // asm-generic/errno.h

    /** {@code EMSGSIZE}: {@value}. */
    public static final int EMSGSIZE = 90; // asm-generic/errno.h

    /** {@code EAFNOSUPPORT}: {@value}. */
    public static final int EAFNOSUPPORT = 97; // asm-generic/errno.h

    /** {@code EPROTONOSUPPORT}: {@value}. */
    public static final int EPROTONOSUPPORT = 93; // asm-generic/errno.h

    /** {@code ENXIO}: {@value}. */
    public static final int ENXIO = 6; // asm-generic/errno-base.h

    /** {@code ENOTTY}: {@value}. */
    public static final int ENOTTY = 25; // asm-generic/errno-base.h

    /** {@code EOVERFLOW}: {@value}. */
    public static final int EOVERFLOW = 75; // asm-generic/errno.h

    /** {@code ESPIPE}: {@value}. */
    public static final int ESPIPE = 29; // asm-generic/errno-base.h

    /** Highest errno the kernel defines today ({@code EHWPOISON}); the tables cover 1..MAX. */
    static final int MAX = 133; // asm-generic/errno.h

    /** Index = errno; {@code null} where Linux leaves a hole (41 and 58 are unused aliases). */
    private static final String[] NAMES = {
        null,
        "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
        "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", null, "ENOMSG", "EIDRM",
        "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT",
        "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR",
        "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
        "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD",
        "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",
        "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT",
        "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT",
        "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
        "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT",
        "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE",
        "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM",
        "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED",
        "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
    };

    private static final String[] MESSAGES = loadMessages();

    private Errno() {
    }

    /**
     * Returns the symbolic name of an errno value.
     *
     * @param errno the errno, positive or negated as the bindings return it
     * @return e.g. {@code "EBADF"}; {@code "errno 4242"} for a value Linux does not define
     */
    public static String name(int errno) {
        long value = Math.abs((long) errno);
        String name = value <= MAX ? NAMES[(int) value] : null;
        return name != null ? name : "errno " + value;
    }

    /**
     * Returns the C library's description of an errno value.
     *
     * @param errno the errno, positive or negated as the bindings return it
     * @return e.g. {@code "Bad file descriptor"}; {@code "Unknown error 4242"} for an unknown value
     */
    public static String message(int errno) {
        long value = Math.abs((long) errno);
        String message = value <= MAX ? MESSAGES[(int) value] : null;
        return message != null ? message : "Unknown error " + value;
    }

    /**
     * Builds the exception for a failed call.
     *
     * @param call  the system call, e.g. {@code "epoll_ctl"}
     * @param errno the errno, positive or negated
     * @return an exception naming the call and the errno, with the errno's message
     */
    public static KeventException exception(String call, int errno) {
        return new KeventException(call, name(errno), message(errno));
    }

    /**
     * Builds the exception for a failed call, adding what the call was doing.
     *
     * @param call    the system call, e.g. {@code "epoll_ctl"}
     * @param errno   the errno, positive or negated
     * @param context what the call was for, e.g. {@code "adding fd 12"}
     * @return an exception naming the call and the errno, with the errno's message and the context
     */
    public static KeventException exception(String call, int errno, String context) {
        return new KeventException(call, name(errno), message(errno) + "; " + context);
    }

    private static String[] loadMessages() {
        // Neither function fails or touches errno for 1..MAX, so no capture is linked.
        FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
        Optional<MethodHandle> describe = Native.LIBC.find("strerrordesc_np")
                .or(() -> Native.LIBC.find("strerror"))
                .map(address -> Native.LINKER.downcallHandle(address, signature));
        String[] messages = new String[MAX + 1];
        if (describe.isEmpty()) {
            return messages;
        }
        for (int errno = 1; errno <= MAX; errno++) {
            messages[errno] = describe(describe.get(), errno);
        }
        return messages;
    }

    private static String describe(MethodHandle describe, int errno) {
        MemorySegment text;
        try {
            text = (MemorySegment) describe.invokeExact(errno);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (text.equals(MemorySegment.NULL)) {
            return null; // strerrordesc_np has no text for the holes in the table
        }
        // The pointer comes back as a zero-length segment; the string is static, NUL-terminated.
        String message = text.reinterpret(Integer.MAX_VALUE).getString(0);
        return message.startsWith("Unknown error") ? null : message;
    }
}
