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
 *   IMAGE     9  image, sync                                                fds: one memfd per distinct buffer
 *   IMAGE_POOL 10 u32 pool, u16 n, n x image                                fds: every image's buffers, in order
 *   FORMATS  11  u8 n, n x tranche          the receiver's format feedback, best tranche first (linux-dmabuf)
 *
 *   desc  = u64 token, u16 fdIndex, u64 size, str name, u8 hasLayout [u32 width, u32 height, u64 stride, u8 bpp]
 *   sync  = u64 frame, u16 n, n x (u32 timeline, u64 seqno) acquire points, u64 release point
 *   image = u32 fourcc, u64 modifier, u32 width, u32 height,
 *           u8 planes, planes x (u8 buffer, u64 offset, u64 pitch),     the ImageDescriptor; buffer indexes the list:
 *           u8 buffers, buffers x desc                                  one desc per distinct buffer
 *   tranche = u8 usage (0 SAMPLE, 1 RENDER, 2 SCANOUT), str device, u16 n, n x (u32 fourcc, u64 modifier)
 *   str   = u8 length (at most 200), UTF-8 bytes
 * </pre>
 *
 * <p>A descriptor carries the index of its fd in the message ({@code fdIndex}), not an implicit position: an image's
 * planes name its buffers by index (several planes may share one buffer, NV12's Y and UV usually do), and each
 * distinct buffer names its fd. The image's fields are decoded as they came; the channel builds the
 * {@link org.dmabuf4j.api.image.ImageDescriptor} from them, so that a bad descriptor is refused with its FMT rule
 * before any of its buffers is imported. Message kinds after BYE were added within version 1: a peer that does not
 * know them rejects them as content errors (unknown kind) and stays usable.
 */
final class Wire {
    static final int MAGIC = 0x4D4A3444; // "D4JM"
    static final int VERSION = 1;
    static final int HEADER = 16;
    /** Largest message: room for a pool of SCM_MAX_FD buffers with long names. */
    static final int MAX_MESSAGE = 64 * 1024;
    static final int MAX_ACQUIRE = 64;
    static final int MAX_STRING = 200;
    /** Tranches in one FORMATS message. */
    static final int MAX_TRANCHES = 32;
    /** (format, modifier) pairs in one tranche. */
    static final int MAX_PAIRS = 1024;
    /** Timeline ids in acquire points: the sender's acquire timeline (the only one in version 1). */
    static final int SENDER_ACQUIRE_TIMELINE = 0;

    private Wire() {
    }

    /** Message kinds. */
    enum Kind {
        HELLO(1), BUFFER(2), POOL(3), FRAME(4), RELEASED(5), POOL_END(6), REJECT(7), BYE(8), IMAGE(9),
        IMAGE_POOL(10), FORMATS(11);

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

    /**
     * One plane of an image as it arrived, not yet validated.
     *
     * @param buffer the index of its buffer in the image's buffer list
     * @param offset the offset (a u64: a value above 2^63 - 1 arrives negative and is refused by FMT-5)
     * @param pitch the pitch
     */
    record PlaneDesc(int buffer, long offset, long pitch) {
    }

    /**
     * An image as it arrived: the descriptor's fields, not yet validated (the channel builds the descriptor), and one
     * buffer descriptor per distinct buffer.
     *
     * @param fourcc the format's fourcc
     * @param modifier the modifier's value
     * @param width pixels per row
     * @param height rows
     * @param planes the planes
     * @param buffers the distinct buffers, by the index the planes use
     */
    record ImageDesc(int fourcc, long modifier, int width, int height, List<PlaneDesc> planes, List<Desc> buffers) {
        ImageDesc {
            planes = List.copyOf(planes);
            buffers = List.copyOf(buffers);
        }
    }

    /**
     * One tranche of format feedback as it crossed.
     *
     * @param usage the usage's ordinal
     * @param device the target device's name
     * @param fourccs the formats of the pairs
     * @param modifiers the modifiers of the pairs, index by index with {@code fourccs}
     */
    record TrancheDesc(int usage, String device, int[] fourccs, long[] modifiers) {
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

    record ImageFrame(ImageDesc image, Sync sync) implements Message {
        @Override
        public Kind kind() {
            return Kind.IMAGE;
        }
    }

    record ImagePool(int pool, List<ImageDesc> images) implements Message {
        ImagePool {
            images = List.copyOf(images);
        }

        @Override
        public Kind kind() {
            return Kind.IMAGE_POOL;
        }
    }

    record Formats(List<TrancheDesc> tranches) implements Message {
        Formats {
            tranches = List.copyOf(tranches);
        }

        @Override
        public Kind kind() {
            return Kind.FORMATS;
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
            case ImageFrame i -> i.image().buffers().size();
            case ImagePool p -> p.images().stream().mapToInt(i -> i.buffers().size()).sum();
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
            case ImageFrame i -> {
                putImage(b, i.image());
                putSync(b, i.sync());
            }
            case ImagePool p -> {
                b.putInt(p.pool()).putShort((short) p.images().size());
                for (ImageDesc i : p.images()) {
                    putImage(b, i);
                }
            }
            case Formats f -> {
                b.put((byte) f.tranches().size());
                for (TrancheDesc t : f.tranches()) {
                    b.put((byte) t.usage());
                    putString(b, t.device());
                    b.putShort((short) t.fourccs().length);
                    for (int i = 0; i < t.fourccs().length; i++) {
                        b.putInt(t.fourccs()[i]).putLong(t.modifiers()[i]);
                    }
                }
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

    private static void putImage(ByteBuffer b, ImageDesc i) {
        b.putInt(i.fourcc()).putLong(i.modifier()).putInt(i.width()).putInt(i.height()).put((byte) i.planes().size());
        for (PlaneDesc p : i.planes()) {
            b.put((byte) p.buffer()).putLong(p.offset()).putLong(p.pitch());
        }
        b.put((byte) i.buffers().size());
        for (Desc d : i.buffers()) {
            putDesc(b, d);
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
                case IMAGE -> new ImageFrame(getImage(b, fds), getSync(b));
                case IMAGE_POOL -> {
                    int pool = b.getInt();
                    int n = Short.toUnsignedInt(b.getShort());
                    if (n == 0 || n > org.dmabuf4j.ipc.linux.Sockets.SCM_MAX_FD) {
                        throw new Bad(false, kindCode, "IMAGE_POOL of " + n + " images: 1 to "
                                + org.dmabuf4j.ipc.linux.Sockets.SCM_MAX_FD + " allowed");
                    }
                    List<ImageDesc> list = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        list.add(getImage(b, fds));
                    }
                    yield new ImagePool(pool, list);
                }
                case FORMATS -> getFormats(b);
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

    private static ImageDesc getImage(ByteBuffer b, int fds) throws Bad {
        int fourcc = b.getInt();
        long modifier = b.getLong();
        int width = b.getInt();
        int height = b.getInt();
        int n = Byte.toUnsignedInt(b.get());
        List<PlaneDesc> planes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            planes.add(new PlaneDesc(Byte.toUnsignedInt(b.get()), b.getLong(), b.getLong()));
        }
        int buffers = Byte.toUnsignedInt(b.get());
        List<Desc> descs = new ArrayList<>(buffers);
        for (int i = 0; i < buffers; i++) {
            Desc d = getDesc(b, fds);
            if (d.layout().isPresent()) {
                throw new Bad(false, 0, "buffer token " + d.token() + " of an image carries a 2-D layout: an image's"
                        + " layout is its descriptor");
            }
            descs.add(d);
        }
        return new ImageDesc(fourcc, modifier, width, height, planes, descs);
    }

    private static Formats getFormats(ByteBuffer b) throws Bad {
        int n = Byte.toUnsignedInt(b.get());
        if (n > MAX_TRANCHES) {
            throw new Bad(false, 0, "format feedback of " + n + " tranches; at most " + MAX_TRANCHES);
        }
        List<TrancheDesc> tranches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int usage = Byte.toUnsignedInt(b.get());
            if (usage >= org.dmabuf4j.api.image.ImageUsage.values().length) {
                throw new Bad(false, 0, "tranche " + i + " has usage " + usage + "; 0 (SAMPLE), 1 (RENDER) or 2"
                        + " (SCANOUT)");
            }
            String device = getString(b, 31);
            int pairs = Short.toUnsignedInt(b.getShort());
            if (pairs > MAX_PAIRS) {
                throw new Bad(false, 0, "tranche " + i + " of " + pairs + " pairs; at most " + MAX_PAIRS);
            }
            int[] fourccs = new int[pairs];
            long[] modifiers = new long[pairs];
            for (int k = 0; k < pairs; k++) {
                fourccs[k] = b.getInt();
                modifiers[k] = b.getLong();
            }
            tranches.add(new TrancheDesc(usage, device, fourccs, modifiers));
        }
        return new Formats(tranches);
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
