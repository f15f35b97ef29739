package org.kevent.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kevent.EventBuffer;
import org.kevent.Kevent;
import org.kevent.KeventException;
import org.kevent.KeventQueue;
import org.kevent.Ukevent;

/**
 * Run in a child JVM with a low {@code RLIMIT_NOFILE} by {@link SocketResourceTest}: fills the fd
 * table, accepts (expecting EMFILE), frees the table, accepts again. Prints one line per step;
 * only this throwaway JVM ever runs out of descriptors (a class first loaded meanwhile would stay
 * unloadable in a shared JVM).
 */
public final class EmfileProbe {
    private EmfileProbe() {
    }

    public static void main(String[] args) {
        try (TcpListener l = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8, false);
             KeventQueue queue = KeventQueue.open()) {
            EventBuffer out = new EventBuffer(4);
            queue.add(Ukevent.socket(l, Kevent.SOCKET_ACCEPT));
            TcpSocket pending = TcpSocket.connect(l.localAddress());
            System.out.println("events " + queue.getEvents(1, 4, 10, TimeUnit.SECONDS, out));
            List<Integer> fillers = new ArrayList<>();
            // Load every class the steps below use while descriptors remain (classes on a
            // directory class path are files: loading one at EMFILE fails for good).
            try (TcpListener idle = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, false)) {
                idle.accept();
            }
            fillers.addAll(org.kevent.testing.ChildJvm.fillDescriptorTable());
            String outcome;
            try {
                TcpSocket s = l.accept();
                outcome = "accepted " + (s != null);
            } catch (KeventException e) {
                outcome = "failed " + e.call() + " " + e.errorName();
            }
            org.kevent.testing.ChildJvm.free(fillers);
            System.out.println(outcome);
            System.out.println("still ready " + queue.poll(out));
            TcpSocket accepted = Loopback.acceptWithin(l);
            Loopback.sendAll(pending, new byte[] {5});
            System.out.println("echo " + Loopback.readExactly(accepted, 1)[0]);
            accepted.close();
            pending.close();
        }
    }
}
