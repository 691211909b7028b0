package io.warren.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.LongString;
import io.warren.codec.Method;
import io.warren.codec.MethodCodec;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Connection;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;

/** A bare-socket AMQP peer for tests that must send what no well-behaved client library would. */
public final class RawAmqpClient implements AutoCloseable {
    /** A frame as read off the socket. */
    public record RawFrame(int type, int channel, byte[] payload) {
        public Method method() {
            return type == FrameWriter.FRAME_METHOD ? MethodCodec.decode(Unpooled.wrappedBuffer(payload)) : null;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawAmqpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Protocol header, start-ok (PLAIN guest), tune-ok with the given values, open "/". */
    public RawAmqpClient handshake(int frameMax, int heartbeat) throws IOException {
        send(FrameWriter.PROTOCOL_HEADER);
        expect(Connection.Start.class);
        sendMethod(0, new Connection.StartOk(Map.of(), "PLAIN", LongString.of("\0guest\0guest"), "en_US"));
        expect(Connection.Tune.class);
        sendMethod(0, new Connection.TuneOk(2047, frameMax, heartbeat));
        sendMethod(0, new Connection.Open("/"));
        expect(Connection.OpenOk.class);
        return this;
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendMethod(int channel, Method m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        FrameWriter.writeMethod(buf, channel, m);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        send(bytes);
    }

    /** The next frame, skipping heartbeats. */
    public RawFrame read() throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            int channel = in.readUnsignedShort();
            int size = in.readInt();
            byte[] payload = new byte[size];
            in.readFully(payload);
            int end = in.readUnsignedByte();
            if (end != FrameWriter.FRAME_END) {
                throw new IOException("bad frame end " + end);
            }
            if (type != FrameWriter.FRAME_HEARTBEAT) {
                return new RawFrame(type, channel, payload);
            }
        }
    }

    /** Every frame that arrives until the peer is quiet for quietMillis, or closes the socket. */
    public java.util.List<RawFrame> readAvailable(int quietMillis) throws IOException {
        java.util.List<RawFrame> frames = new java.util.ArrayList<>();
        int before = socket.getSoTimeout();
        socket.setSoTimeout(quietMillis);
        try {
            while (true) {
                frames.add(read());
            }
        } catch (SocketTimeoutException | EOFException e) {
            return frames;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    /** Reads frames until one carries a method of the given type. */
    public <M extends Method> M expect(Class<M> type) throws IOException {
        while (true) {
            Method m = read().method();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    /** Reads raw bytes up to n (fewer at end of stream). */
    public byte[] readBytes(int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return java.util.Arrays.copyOf(b, got);
    }

    /** True when the broker has closed the socket (reads reach end of stream) within the socket timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer
        }
    }

    /** The client's own port, by which the broker's side of the connection can be found. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
