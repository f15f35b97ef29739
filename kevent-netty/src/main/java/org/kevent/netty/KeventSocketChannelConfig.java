package org.kevent.netty;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import java.time.Duration;
import java.util.Map;

import org.kevent.KeventException;
import org.kevent.net.TcpSocket;

/**
 * The options of a {@link KeventSocketChannel}.
 *
 * <h2>Semantics</h2>
 * TCP_NODELAY (on by default, as in Netty's other transports), SO_KEEPALIVE, SO_RCVBUF,
 * SO_SNDBUF and SO_LINGER go to the socket: at once when the channel has one (accepted, or
 * connecting), else at connect, before the first byte. SO_LINGER 0 makes {@code close} reset the
 * connection (RST); a positive linger makes {@code close} wait in the kernel, so the channel
 * closes it off the event loop. SO_REUSEADDR on a client socket is kept but has no effect (kevent's
 * client sockets bind only when connecting). IP_TOS (traffic class) is not offered by kevent's
 * sockets: {@link #setTrafficClass} throws {@link ChannelException}. ALLOW_HALF_CLOSURE keeps the
 * channel open when the peer shuts its output down (a ChannelInputShutdownEvent is fired).
 */
public final class KeventSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    private final KeventSocketChannel channel;
    private volatile boolean tcpNoDelay = true;
    private volatile boolean keepAlive;
    private volatile int receiveBufferSize = -1;
    private volatile int sendBufferSize = -1;
    private volatile int soLinger = -1;
    private volatile boolean reuseAddress;
    private volatile boolean allowHalfClosure;

    KeventSocketChannelConfig(KeventSocketChannel channel) {
        super(channel);
        this.channel = channel;
    }

    /** Applies every option set so far to a socket the channel just got; may throw ChannelException. */
    void applyTo(TcpSocket socket) {
        try {
            socket.setTcpNoDelay(tcpNoDelay);
            if (keepAlive) {
                socket.setKeepAlive(true);
            }
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize);
            }
            if (sendBufferSize > 0) {
                socket.setSendBufferSize(sendBufferSize);
            }
            if (soLinger >= 0) {
                socket.setLinger(Duration.ofSeconds(soLinger));
            }
        } catch (KeventException e) {
            throw new ChannelException(Errors.io(e));
        }
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR,
                SO_LINGER, ALLOW_HALF_CLOSURE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** Runs {@code set} on the channel's socket, if it has one, turning a refusal into ChannelException. */
    private void onSocket(java.util.function.Consumer<TcpSocket> set) {
        TcpSocket s = channel.socket();
        if (s != null && s.isOpen()) {
            try {
                set.accept(s);
            } catch (KeventException e) {
                throw new ChannelException(Errors.io(e));
            }
        }
    }

    private <T> T fromSocket(java.util.function.Function<TcpSocket, T> get, T fallback) {
        TcpSocket s = channel.socket();
        if (s != null && s.isOpen()) {
            try {
                return get.apply(s);
            } catch (KeventException e) {
                throw new ChannelException(Errors.io(e));
            }
        }
        return fallback;
    }

    @Override
    public boolean isTcpNoDelay() {
        return fromSocket(TcpSocket::tcpNoDelay, tcpNoDelay);
    }

    @Override
    public KeventSocketChannelConfig setTcpNoDelay(boolean on) {
        onSocket(s -> s.setTcpNoDelay(on));
        tcpNoDelay = on;
        return this;
    }

    /** @return the SO_LINGER timeout in seconds, or -1 when off */
    @Override
    public int getSoLinger() {
        return fromSocket(s -> s.linger().map(d -> (int) d.getSeconds()).orElse(-1), soLinger);
    }

    /** @param seconds negative for off, 0 for a reset on close, positive to linger that long */
    @Override
    public KeventSocketChannelConfig setSoLinger(int seconds) {
        int v = Math.max(seconds, -1);
        onSocket(s -> s.setLinger(v < 0 ? null : Duration.ofSeconds(v)));
        soLinger = v;
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return fromSocket(TcpSocket::sendBufferSize, Math.max(sendBufferSize, 0));
    }

    @Override
    public KeventSocketChannelConfig setSendBufferSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("sendBufferSize must be positive, got " + bytes);
        }
        onSocket(s -> s.setSendBufferSize(bytes));
        sendBufferSize = bytes;
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return fromSocket(TcpSocket::receiveBufferSize, Math.max(receiveBufferSize, 0));
    }

    @Override
    public KeventSocketChannelConfig setReceiveBufferSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("receiveBufferSize must be positive, got " + bytes);
        }
        onSocket(s -> s.setReceiveBufferSize(bytes));
        receiveBufferSize = bytes;
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return fromSocket(TcpSocket::keepAlive, keepAlive);
    }

    @Override
    public KeventSocketChannelConfig setKeepAlive(boolean on) {
        onSocket(s -> s.setKeepAlive(on));
        keepAlive = on;
        return this;
    }

    /** @return 0: kevent's sockets do not offer IP_TOS */
    @Override
    public int getTrafficClass() {
        return 0;
    }

    /** @throws ChannelException always: kevent's sockets do not offer IP_TOS */
    @Override
    public KeventSocketChannelConfig setTrafficClass(int trafficClass) {
        throw new ChannelException("IP_TOS is not supported by the kevent transport");
    }

    @Override
    public boolean isReuseAddress() {
        return reuseAddress;
    }

    @Override
    public KeventSocketChannelConfig setReuseAddress(boolean on) {
        reuseAddress = on;
        return this;
    }

    /** Ignored, as by the JDK's TCP implementation. */
    @Override
    public KeventSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public KeventSocketChannelConfig setAllowHalfClosure(boolean on) {
        allowHalfClosure = on;
        return this;
    }

    @Override
    public KeventSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public KeventSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public KeventSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public KeventSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public KeventSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.clearReadInterest();
    }
}
