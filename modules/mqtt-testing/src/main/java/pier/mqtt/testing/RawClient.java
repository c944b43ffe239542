package pier.mqtt.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A socket that speaks MQTT byte by byte, for packets no well-behaved client would send. */
public final class RawClient implements AutoCloseable {

    /** A packet read back: first byte and body. */
    public record Packet(int header, byte[] body) {
        public int type() {
            return header >> 4;
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    public RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        in = new DataInputStream(socket.getInputStream());
    }

    /** How long a read waits for the server (5 s unless set). */
    public void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    public Packet read() throws IOException {
        int header = in.read();
        if (header < 0) {
            throw new IOException("closed");
        }
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(header, body);
    }

    /** Reads until the server closes; returns the packets it sent before. */
    public java.util.List<Packet> untilClosed() throws IOException {
        java.util.List<Packet> packets = new java.util.ArrayList<>();
        try {
            while (true) {
                packets.add(read());
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; got " + packets.size() + " packets");
        } catch (IOException e) {
            return packets;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A CONNECT of protocol level 4 or 5 with user u / p. */
    public static byte[] connect(int level, String clientId, int keepAlive, String willTopic, String will) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, "MQTT");
        v.write(level);
        int flags = 0x02 | 0x80 | 0x40 | (willTopic != null ? 0x04 | 0x08 : 0); // clean, user, password, will QoS 1
        v.write(flags);
        v.write(keepAlive >> 8);
        v.write(keepAlive & 0xff);
        if (level == 5) {
            v.write(0); // no properties
        }
        string(v, clientId);
        if (willTopic != null) {
            if (level == 5) {
                v.write(0);
            }
            string(v, willTopic);
            string(v, will);
        }
        string(v, "u");
        string(v, "p");
        return packet(0x10, v.toByteArray());
    }

    /** A v5 CONNECT with user u / p, clean start, and the given properties. */
    public static byte[] connect5(String clientId, byte[] properties) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, "MQTT");
        v.write(5);
        v.write(0x02 | 0x80 | 0x40);
        v.write(0);
        v.write(60);
        v.write(properties.length);
        v.writeBytes(properties);
        string(v, clientId);
        string(v, "u");
        string(v, "p");
        return packet(0x10, v.toByteArray());
    }

    public static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int length = body.length;
        do {
            int b = length & 0x7f;
            length >>= 7;
            out.write(length > 0 ? b | 0x80 : b);
        } while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static void string(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.writeBytes(bytes);
    }

    public static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
