package org.kevent.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Shared plumbing of the bindings: the linker, the C library lookup, errno capture and the
 * per-thread scratch memory every call writes its structs into.
 *
 * <p><b>Semantics.</b> Every binding that can fail is linked with
 * {@code captureCallState("errno")}: the JVM copies errno into a segment the caller passes as the
 * first argument, right after the call returns. Reading {@code errno} any later is meaningless,
 * because the JVM itself makes system calls between ours.
 *
 * <p><b>Threading.</b> Any thread may call any binding at any time. Each thread gets its own
 * {@link Scratch}, so concurrent calls never share a struct or an errno slot.
 *
 * <p><b>Caveats.</b> The scratch of a thread comes from {@link Arena#ofAuto()} rather than the
 * global arena: a program that runs millions of short-lived (virtual) threads would otherwise leak
 * one scratch per thread that ever made a call, while an automatic arena is freed by the garbage
 * collector once its thread, and so its {@link ThreadLocal} entry, is gone.
 */
final class Native {

    /** The platform linker; all bindings are downcalls into the C library. */
    static final Linker LINKER = Linker.nativeLinker();

    /** Symbols of the C library the JVM is already linked against. */
    static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** Layout of the state {@code captureCallState("errno")} writes after each call. */
    static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

    private static final long ERRNO_OFFSET =
            CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Bytes of the struct area of a scratch: room for the largest struct any binding passes. */
    static final long STRUCT_AREA_SIZE = 64;

    /** Bytes a single {@link Fd#read}/{@link Fd#write} moves at most (one scratch copy). */
    static final int IO_AREA_SIZE = 16 * 1024;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Native() {
    }

    /**
     * Links a C library function that reports failure through errno.
     *
     * <p>The returned handle takes the errno capture segment ({@link Scratch#errno}) as its first
     * argument, followed by the arguments of {@code descriptor}.
     *
     * @param name       the symbol, e.g. {@code "epoll_ctl"}
     * @param descriptor the C signature
     * @param critical   {@code true} only for calls that always return quickly: a critical call
     *                   keeps the thread in Java state, so a call that blocks would hold off every
     *                   safepoint, and with it every other thread at the next GC
     * @return the downcall handle
     * @throws java.util.NoSuchElementException if the C library has no such symbol
     */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean critical) {
        return link(LIBC.findOrThrow(name), descriptor, critical);
    }

    /**
     * Links a C library function if the C library has it; used for functions newer than the
     * oldest glibc we support (e.g. {@code epoll_pwait2}, glibc 2.35).
     *
     * @param name       the symbol
     * @param descriptor the C signature
     * @param critical   see {@link #downcall(String, FunctionDescriptor, boolean)}
     * @return the handle, or empty when the symbol is missing
     */
    static Optional<MethodHandle> optionalDowncall(String name, FunctionDescriptor descriptor,
                                                   boolean critical) {
        return LIBC.find(name).map(address -> link(address, descriptor, critical));
    }

    /**
     * Links a variadic C function such as {@code fcntl}, passing the arguments from
     * {@code firstVariadicArg} on as variadic ones (the calling convention differs on some ABIs).
     *
     * @param name             the symbol
     * @param descriptor       the C signature of this particular use, variadic arguments included
     * @param firstVariadicArg index in {@code descriptor} of the first variadic argument
     * @return the handle, with the errno capture segment as first argument
     */
    static MethodHandle variadicDowncall(String name, FunctionDescriptor descriptor,
                                         int firstVariadicArg) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor,
                Linker.Option.firstVariadicArg(firstVariadicArg), CAPTURE_ERRNO);
    }

    private static MethodHandle link(MemorySegment address, FunctionDescriptor descriptor,
                                     boolean critical) {
        return critical
                ? LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO,
                        Linker.Option.critical(false))
                : LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    /**
     * Returns the calling thread's scratch, allocating it on the thread's first call only.
     *
     * @return the scratch of the current thread
     */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Turns the return value of a C call into our convention.
     *
     * @param result  what the C function returned
     * @param scratch the scratch whose errno slot the call captured into
     * @return {@code result} when it is not {@code -1}, else {@code -errno}
     */
    static int result(int result, Scratch scratch) {
        return result == -1 ? -scratch.errno() : result;
    }

    /**
     * Same as {@link #result(int, Scratch)} for calls returning {@code ssize_t}.
     *
     * @param result  what the C function returned
     * @param scratch the scratch whose errno slot the call captured into
     * @return {@code result} when it is not {@code -1}, else {@code -errno}
     */
    static long result(long result, Scratch scratch) {
        return result == -1 ? -scratch.errno() : result;
    }

    /**
     * Rethrows what {@code invokeExact} declared but cannot throw for a correctly linked
     * downcall; reaching it means a binding's Java types do not match its descriptor.
     *
     * @param t the throwable caught around {@code invokeExact}
     * @return never returns; declared so call sites can write {@code throw Native.unexpected(t)}
     */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("a downcall threw a checked exception", t);
    }

    /**
     * Memory owned by one thread and reused by every call it makes: an errno capture slot, a
     * struct area for {@code epoll_event}, {@code itimerspec}, {@code pollfd}, a {@code u64} or
     * two {@code int}s, and (allocated on first use) an I/O area for {@link Fd#read} and
     * {@link Fd#write}.
     *
     * <p>One slice per purpose is cut once here, so a call never allocates a slice object.
     */
    static final class Scratch {
        /** The errno capture segment, first argument of every downcall. */
        final MemorySegment errno;
        /** Start of the struct area, as large as {@link #STRUCT_AREA_SIZE}. */
        final MemorySegment struct;

        private final Arena arena = Arena.ofAuto();
        private MemorySegment io;

        private Scratch() {
            this.errno = arena.allocate(CAPTURE_LAYOUT);
            this.struct = arena.allocate(STRUCT_AREA_SIZE, 16);
        }

        /**
         * Returns the errno the last call of this thread captured.
         *
         * @return the positive errno value
         */
        int errno() {
            return errno.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
        }

        /**
         * Returns the I/O area, allocating it on first use: most threads never copy bytes through
         * {@link Fd}, and 16 KiB per virtual thread would add up.
         *
         * @return a segment of {@link #IO_AREA_SIZE} bytes
         */
        MemorySegment io() {
            MemorySegment area = io;
            if (area == null) {
                area = arena.allocate(IO_AREA_SIZE, 16);
                io = area;
            }
            return area;
        }
    }
}
