package org.kevent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.kevent.net.NativeFile;
import org.kevent.net.TcpListener;
import org.kevent.net.TcpSocket;
import org.kevent.testing.ChildJvm;

/**
 * Run in a child JVM with a low {@code RLIMIT_NOFILE} by {@link FaultEmfileTest}: with the fd
 * table full, opening a queue, connecting, opening a file and adding the first INODE interest each
 * fail with EMFILE, a queue opened before keeps delivering, and after the table is freed every one
 * of them works. One line per step on stdout.
 */
public final class FaultEmfileProbe {
    private FaultEmfileProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("emfile");
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8, false);
             KeventQueue queue = KeventQueue.open()) {
            queue.add(Ukevent.user(1));
            EventBuffer out = new EventBuffer(4);
            // Load every class the steps use while descriptors remain: a class file cannot be
            // opened at EMFILE, and a class that failed to load stays unloadable.
            attempts(listener, dir, file);
            queue.getEvents(1, 4, 1, TimeUnit.MILLISECONDS, out); // the timed wait below, empty
            List<Integer> fillers = ChildJvm.fillDescriptorTable();
            List<String> full = attempts(listener, dir, file);
            queue.trigger(1);
            String still = "queue delivers " + queue.getEvents(1, 4, 5, TimeUnit.SECONDS, out);
            ChildJvm.free(fillers);
            // Printed only now: stdout itself may need a descriptor-free path, but keep it simple.
            full.forEach(s -> System.out.println("full: " + s));
            System.out.println(still);
            attempts(listener, dir, file).forEach(s -> System.out.println("freed: " + s));
        }
    }

    /** Each resource once: "what ok" or "what ERRNO"; whatever was opened is closed again. */
    private static List<String> attempts(TcpListener listener, Path dir, Path file) {
        List<String> r = new ArrayList<>();
        r.add(attempt("open", () -> KeventQueue.open()));
        r.add(attempt("connect", () -> TcpSocket.connect(listener.localAddress())));
        r.add(attempt("file", () -> NativeFile.open(file)));
        r.add(attempt("inode", () -> {
            KeventQueue q = KeventQueue.builder().open();
            CtlResults res = q.ctl(CtlOp.ADD, Ukevent.inode(1, dir, Kevent.INODE_CREATE));
            q.close();
            if (!res.ok(0)) {
                throw new KeventException("inotify", res.errorName(0), res.message(0));
            }
            return () -> { };
        }));
        return r;
    }

    private static String attempt(String what, Supplier<AutoCloseable> open) {
        try {
            open.get().close();
            return what + " ok";
        } catch (KeventException e) {
            return what + " " + e.errorName();
        } catch (Exception e) {
            return what + " " + e;
        }
    }
}
