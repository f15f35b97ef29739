package org.kevent.internal.portable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.file.FileSystemException;

import org.junit.jupiter.api.Test;
import org.kevent.KeventException;

/**
 * The errno a portable socket's failure is reported with (docs/SEMANTICS.md §10): by the JDK's
 * exception type, then by the operating system's text, and {@code EIO} where neither tells.
 */
class PortableErrorsTest {

    @Test
    void theExceptionTypeNamesTheErrnoWhereItCan() {
        assertThat(PortableErrors.errno(new ClosedChannelException())).isEqualTo(9);       // EBADF
        assertThat(PortableErrors.errno(new NotYetConnectedException())).isEqualTo(107);   // ENOTCONN
        assertThat(PortableErrors.errno(new NoRouteToHostException("whatever"))).isEqualTo(113);
        assertThat(PortableErrors.errno(new ConnectException("some text"))).isEqualTo(111);
        assertThat(PortableErrors.errno(new BindException("some text"))).isEqualTo(98);
    }

    @Test
    void theSystemsTextNamesTheRestWhateverItsCase() {
        assertThat(PortableErrors.errno(new SocketException("Connection reset"))).isEqualTo(104);
        assertThat(PortableErrors.errno(new IOException("Connection reset by peer"))).isEqualTo(104);
        assertThat(PortableErrors.errno(new IOException("An existing connection was forcibly closed by the remote host")))
                .as("Windows' text").isEqualTo(104);
        assertThat(PortableErrors.errno(new IOException("Broken pipe"))).isEqualTo(32);
        assertThat(PortableErrors.errno(new IOException("Too many open files"))).isEqualTo(24);
        assertThat(PortableErrors.errno(new BindException("Cannot assign requested address"))).as("text before type")
                .isEqualTo(99);
        assertThat(PortableErrors.errno(new ConnectException("Connection timed out"))).isEqualTo(110);
        assertThat(PortableErrors.errno(new FileSystemException("/x: Too many levels of symbolic links")))
                .isEqualTo(40);
    }

    /** The system-wide limit's text holds the process limit's: the longer one is looked for first. */
    @Test
    void theSystemWideDescriptorLimitIsEnfileNotEmfile() {
        assertThat(PortableErrors.errno(new IOException("Too many open files in system"))).isEqualTo(23);
        assertThat(PortableErrors.errno(new IOException("File table overflow"))).isEqualTo(23);
        assertThat(PortableErrors.errno(new IOException("Too many open files"))).isEqualTo(24);
    }

    @Test
    void whatCannotBeToldApartIsEioAndTheJdksExceptionStaysInTheMessageAndCause() {
        IOException odd = new IOException("something the table does not know");
        assertThat(PortableErrors.errno(odd)).isEqualTo(5);
        assertThat(PortableErrors.errno(new IOException((String) null))).isEqualTo(5);
        KeventException k = PortableErrors.exception("recv", odd, "PortableSocket#16777216");
        assertThat(k.call()).isEqualTo("recv");
        assertThat(k.errorName()).isEqualTo("EIO");
        assertThat(k.getMessage()).contains("something the table does not know", "PortableSocket#16777216");
        assertThat(k.getCause()).isSameAs(odd);
    }
}
