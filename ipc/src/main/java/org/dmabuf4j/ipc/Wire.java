package org.dmabuf4j.ipc;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaConstraints;

/**
 * The wire format of {@link BufferChannel}, version 1: one message per SOCK_SEQPACKET datagram, little-endian, its
 * descriptors in one SCM_RIGHTS control message. Decoding treats the bytes as hostile (IPC-7): every length is
 * bounded, every count checked against what arrived, and nothing is acted on before the whole message parsed.
 *
 * <pre>
 *   header (16 bytes)   u32 magic 'D4JM' | u16 version | u16 kind | u32 length (whole message) | u16 fds | u16 0
 *
 *   HELLO     1  u16 minVersion, u16 maxVersion, u32 pid, str name          fds: [acquire timeline, release timeline]
 *   BUFFER    2  desc, sync                                                 fds: [memfd]   (fd per frame)
 *   POOL      3  u32 pool, u16 n, n x desc                                  fds: n memfds  (fds cross once)
 *   FRAME     4  u32 pool, u32 index, sync                                  fds: none
 *   RELEASED  5  u64 token                  the receiver's last handle of a buffer closed (IPC-10)
 *   POOL_END  6  u32 pool                   the sender retires a pool
 *   REJECT    7  u16 kind, str reason       a message of that kind was rejected (IPC-7)
 *   BYE       8  (empty)                    orderly close
 *   IMAGE     9  reserved: an image descriptor (fourcc, modifier, planes) once image formats land; see DESIGN
 *
 *   desc  = u64 token, u16 fdIndex, u64 size, str name, u8 hasLayout [u32 width, u32 height, u64 stride, u8 bpp]
 *   sync  = u64 frame, u16 n, n x (u32 timeline, u64 seqno) acquire points, u64 release point
 *   str   = u8 length (at most 200), UTF-8 bytes
 * </pre>
 *
 * <p>A descriptor carries the index of its fd in the message ({@code fdIndex}), not an implicit position, so a later
 * message kind can describe several planes in one or several fds.
 */
final class Wire {
    static final int MAGIC = 0x4D4A3444; // "D4JM"
    static final int VERSION = 1;
    static final int HEADER = 16;
    /** Largest message: room for a pool of SCM_MAX_FD buffers with long names. */
    static final int MAX_MESSAGE = 64 * 1024;
    static final int MAX_ACQUIRE = 64;
    static final int MAX_STRING = 200;
    /** Timeline ids in acquire points: the sender's acquire timeline (the only one in version 1). */
    static final int SENDER_ACQUIRE_TIMELINE = 0;

    private Wire() {
    }

    /** Message kinds. */
    enum Kind {
        HELLO(1), BUFFER(2), POOL(3), FRAME(4), RELEASED(5), POOL_END(6), REJECT(7), BYE(8);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Optional<Kind> of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** An acquire point: a timeline of the sender and a seqno on it. */
    record Point(int timeline, long seqno) {
    }

    /** The sync part of a frame. */
    record Sync(long frame, List<Point> acquire, long release) {
        Sync {
            acquire = List.copyOf(acquire);
        }
    }

    /** A buffer descriptor. */
    record Desc(long token, int fdIndex, long size, String name, Optional<BufferLayout> layout) {
    }

    /** A decoded message. */
    sealed interface Message {
        Kind kind();
    }

    record Hello(int minVersion, int maxVersion, long pid, String name) implements Message {
        @Override
        public Kind kind() {
            return Kind.HELLO;
        }
    }

    record Buffer(Desc desc, Sync sync) implements Message {
        @Override
        public Kind kind() {
            return Kind.BUFFER;
        }
    }

    record Pool(int pool, List<Desc> buffers) implements Message {
        Pool {
            buffers = List.copyOf(buffers);
        }

        @Override
        public Kind kind() {
            return Kind.POOL;
        }
    }

    record Frame(int pool, int index, Sync sync) implements Message {
        @Override
        public Kind kind() {
            return Kind.FRAME;
        }
    }

    record Released(long token) implements Message {
        @Override
        public Kind kind() {
            return Kind.RELEASED;
        }
    }

    record PoolEnd(int pool) implements Message {
        @Override
        public Kind kind() {
            return Kind.POOL_END;
        }
    }

    record Reject(int rejectedKind, String reason) implements Message {
        @Override
        public Kind kind() {
            return Kind.REJECT;
        }
    }

    record Bye() implements Message {
        @Override
        public Kind kind() {
            return Kind.BYE;
        }
    }

    /**
     * How many descriptors a message of this kind carries.
     *
     * @param m the message
     * @return the count
     */
    static int fdCount(Message m) {
        return switch (m) {
            case Hello h -> 2;
            case Buffer b -> 1;
            case Pool p -> p.buffers().size();
            default -> 0;
        };
    }

    // ---- encoding --------------------------------------------------------------------------------------------------

    /**
     * Encodes a message into a new array (tests and tools; the channel encodes into its send buffer).
     *
     * @param m the message
     * @return the bytes
     */
    static byte[] encode(Message m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_MESSAGE).order(ByteOrder.LITTLE_ENDIAN);
        int length = encode(m, b);
        byte[] out = new byte[length];
        b.get(0, out);
        return out;
    }

    /**
     * Encodes a message at the start of {@code b}, a little-endian buffer of at least {@link #MAX_MESSAGE} bytes.
     *
     * @param m the message
     * @param b where to write; its position and limit are changed
     * @return the message's length in bytes
     */
    static int encode(Message m, ByteBuffer b) {
        b.clear();
        b.position(HEADER);
        switch (m) {
            case Hello h -> {
                b.putShort((short) h.minVersion()).putShort((short) h.maxVersion()).putInt((int) h.pid());
                putString(b, h.name());
            }
            case Buffer x -> {
                putDesc(b, x.desc());
                putSync(b, x.sync());
            }
            case Pool p -> {
                b.putInt(p.pool()).putShort((short) p.buffers().size());
                for (Desc d : p.buffers()) {
                    putDesc(b, d);
                }
            }
            case Frame f -> {
                b.putInt(f.pool()).putInt(f.index());
                putSync(b, f.sync());
            }
            case Released r -> b.putLong(r.token());
            case PoolEnd p -> b.putInt(p.pool());
            case Reject r -> {
                b.putShort((short) r.rejectedKind());
                putString(b, r.reason());
            }
            case Bye y -> {
                // no payload
            }
        }
        int length = b.position();
        header(b, m.kind().code, length, fdCount(m));
        return length;
    }

    /**
     * Encodes a pool frame with one acquire point of the sender's acquire timeline, allocating nothing: the
     * per-frame message of pool mode.
     *
     * @param b where to write, as {@link #encode(Message, ByteBuffer)}
     * @param pool the pool id
     * @param index the buffer's index
     * @param frame the frame number (also its release point)
     * @param acquire the acquire point's seqno
     * @return the length
     */
    static int encodeFrame(ByteBuffer b, int pool, int index, long frame, long acquire) {
        b.clear();
        b.position(HEADER);
        b.putInt(pool).putInt(index).putLong(frame).putShort((short) 1).putInt(SENDER_ACQUIRE_TIMELINE)
                .putLong(acquire).putLong(frame);
        int length = b.position();
        header(b, Kind.FRAME.code, length, 0);
        return length;
    }

    private static void header(ByteBuffer b, int kind, int length, int fds) {
        b.putInt(0, MAGIC).putShort(4, (short) VERSION).putShort(6, (short) kind).putInt(8, length)
                .putShort(12, (short) fds).putShort(14, (short) 0);
    }

    /**
     * A raw header, for tests that build bad messages.
     *
     * @param kind the kind code
     * @param version the version
     * @param length the length field
     * @param fds the descriptor count field
     * @param payload the payload
     * @return the bytes
     */
    static byte[] raw(int magic, int kind, int version, int length, int fds, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(magic).putShort((short) version).putShort((short) kind).putInt(length).putShort((short) fds)
                .putShort((short) 0).put(payload);
        return b.array();
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, MAX_STRING);
        b.put((byte) n).put(bytes, 0, n);
    }

    private static void putDesc(ByteBuffer b, Desc d) {
        b.putLong(d.token()).putShort((short) d.fdIndex()).putLong(d.size());
        putString(b, d.name());
        if (d.layout().isPresent()) {
            BufferLayout l = d.layout().get();
            b.put((byte) 1).putInt(l.width()).putInt(l.height()).putLong(l.stride()).put((byte) l.bytesPerPixel());
        } else {
            b.put((byte) 0);
        }
    }

    private static void putSync(ByteBuffer b, Sync s) {
        b.putLong(s.frame()).putShort((short) s.acquire().size());
        for (Point p : s.acquire()) {
            b.putInt(p.timeline()).putLong(p.seqno());
        }
        b.putLong(s.release());
    }

    // ---- decoding --------------------------------------------------------------------------------------------------

    /** A message that cannot be decoded. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean framing;
        final int kind;

        Bad(boolean framing, int kind, String message) {
            super(message, null, false, false);
            this.framing = framing;
            this.kind = kind;
        }
    }

    /**
     * Decodes one datagram.
     *
     * @param data the bytes that arrived
     * @param fdsArrived how many descriptors came with them
     * @return the message
     * @throws Bad with {@code framing} set for errors after which the stream cannot be trusted (magic, version,
     *     length), clear for errors of one message (kind, descriptor count, payload)
     */
    static Message decode(byte[] data, int fdsArrived) throws Bad {
        return decode(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), data.length, fdsArrived);
    }

    /**
     * Decodes one datagram from the start of a little-endian buffer.
     *
     * @param b the bytes that arrived, from index 0; its position and limit are changed
     * @param received how many bytes arrived
     * @param fdsArrived how many descriptors came with them
     * @return the message
     * @throws Bad as {@link #decode(byte[], int)}
     */
    static Message decode(ByteBuffer b, int received, int fdsArrived) throws Bad {
        if (received < HEADER) {
            throw new Bad(true, 0, "a " + received + "-byte message is shorter than the " + HEADER
                    + "-byte header (truncated)");
        }
        b.clear();
        b.limit(received);
        int magic = b.getInt();
        int version = Short.toUnsignedInt(b.getShort());
        int kindCode = Short.toUnsignedInt(b.getShort());
        long length = Integer.toUnsignedLong(b.getInt());
        int fds = Short.toUnsignedInt(b.getShort());
        b.getShort();
        if (magic != MAGIC) {
            throw new Bad(true, kindCode, "bad magic 0x" + Integer.toHexString(magic) + " (expected 0x"
                    + Integer.toHexString(MAGIC) + "): the peer does not speak the dmabuf4j wire format");
        }
        if (version != VERSION) {
            throw new Bad(true, kindCode, "wire version " + version + " (this side speaks " + VERSION + ")");
        }
        if (length != received) {
            throw new Bad(true, kindCode, "the header announces " + length + " bytes but " + received
                    + " arrived (truncated or padded)");
        }
        Kind kind = Kind.of(kindCode).orElseThrow(() -> new Bad(false, kindCode, "unknown message kind "
                + kindCode));
        if (fds != fdsArrived) {
            throw new Bad(false, kindCode, kind + " announces " + fds + " descriptors but " + fdsArrived
                    + " arrived");
        }
        try {
            Message m = switch (kind) {
                case HELLO -> new Hello(Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()),
                        Integer.toUnsignedLong(b.getInt()), getString(b, 31));
                case BUFFER -> new Buffer(getDesc(b, fds), getSync(b));
                case POOL -> {
                    int pool = b.getInt();
                    int n = Short.toUnsignedInt(b.getShort());
                    if (n == 0 || n > org.dmabuf4j.ipc.linux.Sockets.SCM_MAX_FD) {
                        throw new Bad(false, kindCode, "POOL of " + n + " buffers: 1 to "
                                + org.dmabuf4j.ipc.linux.Sockets.SCM_MAX_FD + " allowed");
                    }
                    List<Desc> list = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        list.add(getDesc(b, fds));
                    }
                    yield new Pool(pool, list);
                }
                case FRAME -> new Frame(b.getInt(), b.getInt(), getSync(b));
                case RELEASED -> new Released(b.getLong());
                case POOL_END -> new PoolEnd(b.getInt());
                case REJECT -> new Reject(Short.toUnsignedInt(b.getShort()), getString(b, MAX_STRING));
                case BYE -> new Bye();
            };
            if (b.hasRemaining()) {
                throw new Bad(false, kindCode, kind + " has " + b.remaining() + " bytes after its payload");
            }
            if (fdCount(m) != fds) {
                throw new Bad(false, kindCode, kind + " needs " + fdCount(m) + " descriptors, " + fds + " came");
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw new Bad(false, kindCode, kind + " payload ends early (truncated)");
        } catch (DmaBufException e) {
            throw new Bad(false, kindCode, kind + " carries an invalid value: " + e.getMessage());
        }
    }

    private static String getString(ByteBuffer b, int maxBytes) throws Bad {
        int n = Byte.toUnsignedInt(b.get());
        if (n > maxBytes) {
            throw new Bad(false, 0, "a string of " + n + " bytes where at most " + maxBytes + " are allowed");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (s.indexOf('\0') >= 0) {
                throw new Bad(false, 0, "a string with a NUL");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new Bad(false, 0, "a string that is not UTF-8");
        }
    }

    private static Desc getDesc(ByteBuffer b, int fds) throws Bad {
        long token = b.getLong();
        int fdIndex = Short.toUnsignedInt(b.getShort());
        long size = b.getLong();
        String name = getString(b, 31);
        int hasLayout = Byte.toUnsignedInt(b.get());
        Optional<BufferLayout> layout = Optional.empty();
        if (hasLayout == 1) {
            int width = b.getInt();
            int height = b.getInt();
            long stride = b.getLong();
            int bpp = Byte.toUnsignedInt(b.get());
            layout = Optional.of(new BufferLayout(width, height, stride, bpp, org.dmabuf4j.api.Tiling.LINEAR));
        } else if (hasLayout != 0) {
            throw new Bad(false, 0, "layout flag " + hasLayout + " (0 or 1)");
        }
        if (fdIndex >= fds) {
            throw new Bad(false, 0, "buffer token " + token + " names descriptor " + fdIndex + " of " + fds);
        }
        if (size <= 0 || size % DmaConstraints.PAGE_SIZE != 0) {
            throw new Bad(false, 0, "buffer token " + token + " has size " + size
                    + ", not a positive multiple of the page size");
        }
        if (layout.isPresent() && layout.get().minimumSize() > size) {
            throw new Bad(false, 0, "buffer token " + token + " has a layout needing " + layout.get().minimumSize()
                    + " bytes in " + size);
        }
        return new Desc(token, fdIndex, size, name, layout);
    }

    private static Sync getSync(ByteBuffer b) throws Bad {
        long frame = b.getLong();
        int n = Short.toUnsignedInt(b.getShort());
        if (n > MAX_ACQUIRE) {
            throw new Bad(false, 0, n + " acquire points; at most " + MAX_ACQUIRE);
        }
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new Point(b.getInt(), b.getLong()));
        }
        return new Sync(frame, points, b.getLong());
    }
}
