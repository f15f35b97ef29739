package org.kevent.internal.portable;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

import org.kevent.KeventException;

/**
 * The errno a portable socket's or file's failure stands for (docs/SEMANTICS.md §10). The JDK's
 * channels throw exceptions, not errno values: the type says some ({@link ClosedChannelException} is
 * {@code EBADF}, {@link ConnectException} {@code ECONNREFUSED}, {@link BindException}
 * {@code EADDRINUSE}, ...), the operating system's message text the rest ("Connection reset",
 * "Broken pipe", "Too many open files", ...). What neither tells apart is {@code EIO}, with the
 * JDK's exception in the message, so nothing is lost. The numbers are Linux's, the ones
 * {@code data2} of a SOCKET_ERR carries on every engine.
 */
final class PortableErrors {
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EFAULT = 14;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int ELOOP = 40;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENFILE = 23;
    static final int EPIPE = 32;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    static final int EISCONN = 106;
    static final int ENOTCONN = 107;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    private PortableErrors() {
    }

    /**
     * @param e what a channel threw
     * @return the errno it stands for, {@link #EIO} if it cannot be told
     */
    static int errno(Throwable e) {
        // A file's failures first: their message is the path, which the text below must not read.
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        if (e instanceof FileSystemLoopException) {
            return ELOOP;
        }
        if (e instanceof ClosedChannelException) {
            return EBADF;
        }
        if (e instanceof NotYetConnectedException) {
            return ENOTCONN;
        }
        if (e instanceof AlreadyConnectedException) {
            return EISCONN;
        }
        if (e instanceof UnsupportedAddressTypeException) {
            return EAFNOSUPPORT;
        }
        if (e instanceof NoRouteToHostException) {
            return EHOSTUNREACH;
        }
        if (e instanceof PortUnreachableException) {
            return ECONNREFUSED;
        }
        int byText = byMessage(e.getMessage());
        if (byText != 0) {
            return byText;
        }
        if (e instanceof ConnectException) {
            return ECONNREFUSED;
        }
        if (e instanceof BindException) {
            return EADDRINUSE;
        }
        return EIO;
    }

    /** The operating system's text, as the JDK passes it on (strerror on Unix, FormatMessage on Windows). */
    private static int byMessage(String message) {
        if (message == null) {
            return 0;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("connection reset") || m.contains("forcibly closed")) {
            return ECONNRESET;
        }
        if (m.contains("broken pipe")) {
            return EPIPE;
        }
        if (m.contains("connection refused")) {
            return ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return ETIMEDOUT;
        }
        if (m.contains("connection abort")) {
            return ECONNABORTED;
        }
        // The system-wide limit's text contains the process limit's: look for it first.
        if (m.contains("file table overflow") || m.contains("too many open files in system")) {
            return ENFILE;
        }
        if (m.contains("too many open files")) {
            return EMFILE;
        }
        if (m.contains("address already in use")) {
            return EADDRINUSE;
        }
        if (m.contains("cannot assign requested address")) {
            return EADDRNOTAVAIL;
        }
        if (m.contains("network is unreachable")) {
            return ENETUNREACH;
        }
        if (m.contains("no route to host")) {
            return EHOSTUNREACH;
        }
        if (m.contains("permission denied")) {
            return EACCES;
        }
        if (m.contains("address family not supported") || m.contains("protocol family unavailable")) {
            return EAFNOSUPPORT;
        }
        if (m.contains("invalid argument")) {
            return EINVAL;
        }
        if (m.contains("too many levels of symbolic links")) {
            return ELOOP;
        }
        if (m.contains("not a directory")) {
            return ENOTDIR;
        }
        if (m.contains("is a directory")) {
            return EISDIR;
        }
        if (m.contains("not connected")) {
            return ENOTCONN;
        }
        return 0;
    }

    /** @return the errno's name, for those a portable socket reports */
    static String name(int errno) {
        return switch (errno) {
            case ENOENT -> "ENOENT";
            case EBADF -> "EBADF";
            case EACCES -> "EACCES";
            case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR";
            case ELOOP -> "ELOOP";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case ENFILE -> "ENFILE";
            case EPIPE -> "EPIPE";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETUNREACH -> "ENETUNREACH";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case EISCONN -> "EISCONN";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            default -> "EIO";
        };
    }

    /**
     * @param call    the call, as the Linux engine names it ({@code recv}, {@code send}, {@code bind}, ...)
     * @param e       what the channel threw
     * @param context what was being done, for the message
     * @return the exception to throw, with {@code e} as its cause
     */
    static KeventException exception(String call, Throwable e, String context) {
        return exception(call, errno(e), context + ": " + e, e);
    }

    /** As {@link #exception(String, Throwable, String)} for a known errno. */
    static KeventException exception(String call, int errno, String message, Throwable cause) {
        KeventException k = new KeventException(call, name(errno), message);
        if (cause != null) {
            k.initCause(cause);
        }
        return k;
    }
}
