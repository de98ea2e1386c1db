package org.dmabuf4j.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.EnumSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.AcquireContext;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.SyncObject;
import org.dmabuf4j.api.SyncObjectKind;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.api.SyncWaitFlag;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.OwnershipPolicy;
import org.dmabuf4j.core.SimulatedDevice;

/**
 * The argument generators of the bad-input sweep: per parameter type (and, for numbers, per parameter name) one good
 * value, and the bad values: null, negative, zero, MAX, off-the-end, other system's objects, closed objects, other
 * threads' objects. A bad value is either INVALID (the call must reject it) or BOUNDARY (a legal extreme the call may
 * accept: MAX, or zero where zero is allowed), so that only a returned INVALID value counts as accepted silently.
 */
final class Values {
    private Values() {
    }

    /** Whether a call may accept the value. */
    enum Kind { INVALID, BOUNDARY }

    /**
     * One bad value.
     *
     * @param label what it is, for the report
     * @param value the value
     * @param kind whether the call must reject it
     */
    record Bad(String label, Object value, Kind kind) {
    }

    /** Parameter names of counts and sizes: zero is invalid for them. */
    private static final Set<String> POSITIVE = Set.of("size", "length", "n", "count", "width", "height",
            "bytesPerPixel", "bytes", "widthBytes", "heightRows", "maxSegmentSize",
            // images: pitches, samples, subsampling, alignments
            "pitch", "bytesPerSample", "hsub", "vsub", "rows", "pitchAlignment", "offsetAlignment",
            "heightAlignment");

    /** A value no generator knows; the method is skipped and listed. */
    static final Object NO_VALUE = new Object();

    static Class<?> element(Parameter p) {
        Type t = p.getParameterizedType();
        if (t instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1) {
            Type a = pt.getActualTypeArguments()[0];
            if (a instanceof WildcardType w) {
                a = w.getUpperBounds()[0];
            }
            if (a instanceof Class<?> c) {
                return c;
            }
        }
        return Object.class;
    }

    /**
     * A good value for a parameter.
     *
     * @param p the parameter
     * @param w the world
     * @return the value, or {@link #NO_VALUE}
     */
    static Object good(Parameter p, World w) {
        Class<?> t = p.getType();
        String n = p.getName();
        Object more = ImageIpcValues.good(p, w);
        if (more != NO_VALUE) {
            return more;
        }
        if (t == int.class && n.equals("fd")) {
            return ImageIpcValues.adoptable(w);
        }
        if (t == long.class) {
            return switch (n) {
                case "size", "length", "bytes" -> 4096L;
                case "dmaAddress" -> w.mapping.dmaAddress(0);
                case "deadlineNanos" -> System.nanoTime() + 1_000_000_000L;
                case "value", "seqno", "n" -> 1L;
                case "segmentBoundary" -> 0L;
                case "maxSegmentSize" -> 4096L;
                case "bufferSize" -> 16384L;
                case "flags" -> 1L;
                case "pitch" -> 256L;
                case "code" -> 1L;
                default -> 0L;
            };
        }
        if (t == int.class) {
            return switch (n) {
                case "width", "height", "n", "count", "widthBytes", "heightRows" -> 1;
                case "bytesPerPixel" -> 4;
                case "bits", "addressBits" -> 32;
                // images and ipc
                case "bytes", "bytesPerSample" -> 4;
                case "rows", "hsub", "vsub", "pitchAlignment", "offsetAlignment", "heightAlignment" -> 1;
                case "imageWidth", "imageHeight", "imageRows" -> 64;
                case "vendor" -> org.dmabuf4j.api.image.FormatModifier.VENDOR_SIMULATED;
                default -> 0;
            };
        }
        if (t == boolean.class) {
            return false;
        }
        if (t == byte.class) {
            return (byte) 1;
        }
        if (t == String.class) {
            return "name";
        }
        if (t == Duration.class) {
            return Duration.ofMillis(10);
        }
        if (t == Access.class) {
            return Access.READ;
        }
        if (t == Direction.class) {
            return Direction.BIDIRECTIONAL;
        }
        if (t == FenceUsage.class) {
            return FenceUsage.READ;
        }
        if (t == Confinement.class) {
            return Confinement.THREAD;
        }
        if (t == Rule.class) {
            return Rule.BUF_1;
        }
        if (t == OwnershipPolicy.class) {
            return OwnershipPolicy.OFF;
        }
        if (t == Region.class) {
            return Region.WHOLE;
        }
        if (t == Span.class) {
            return new Span(0, 4096);
        }
        if (t == BufferLayout.class) {
            return World.LAYOUT;
        }
        if (t == Tiling.Tiled.class) {
            return new Tiling.Tiled(16, 4);
        }
        if (t == Tiling.class) {
            return Tiling.LINEAR;
        }
        if (t == DmaConstraints.class) {
            return DmaConstraints.NONE;
        }
        if (t == Optional.class) {
            return Optional.empty();
        }
        if (t == Device.class || t == SimulatedDevice.class) {
            return w.dev2;
        }
        if (t == DmaBuf.class) {
            // revoke with a MAX timeout waits, rightly, for ever for the world's static importer: revoke a lone buffer
            return p.getDeclaringExecutable().getName().equals("revoke") ? w.lone() : w.buf;
        }
        if (t == Mapping.class) {
            return w.mapping;
        }
        if (t == Attachment.class) {
            return w.att;
        }
        if (t == Fence.class) {
            return w.signaled;
        }
        if (t == Fence[].class) {
            return new Fence[] {w.signaled};
        }
        if (t == SyncFile.class) {
            return w.sys.fences().syncFile(w.signaled, "s");
        }
        if (t == Importer.class) {
            return (Importer) a -> { };
        }
        if (t == FenceCallback.class) {
            return (FenceCallback) f -> { };
        }
        if (t == Throwable.class) {
            return new IllegalStateException("the work failed");
        }
        if (t == Exporter.class) {
            return new FaultyExporter(Injector.none(), false, 4096);
        }
        if (t == ExportInfo.class) {
            return ExportInfo.of("sweep", 4096, new FaultyExporter(Injector.none(), false, 4096));
        }
        if (t == AcquireContext.class) {
            return w.context(w.sys);
        }
        if (t == MemorySegment.class) {
            return Arena.global().allocate(4096, 4096);
        }
        if (t == Job.class) {
            return Job.fill(w.mapping, 0, 4096, (byte) 1);
        }
        if (t == Executor.class) {
            return (Executor) Runnable::run;
        }
        if (t == Runnable.class) {
            return (Runnable) () -> { };
        }
        if (t == Consumer.class) {
            return (Consumer<Object>) x -> { };
        }
        if (t == java.util.function.BiConsumer.class) {
            return (java.util.function.BiConsumer<Object, Object>) (x, y) -> { };
        }
        if (t == SyncObjectKind.class) {
            return SyncObjectKind.TIMELINE;
        }
        if (t == SyncObject.class) {
            return w.timelineObject();
        }
        if (t == SyncPoint.class) {
            return new SyncPoint(w.timelineObject(), 1);
        }
        if (t == java.time.Instant.class) {
            return java.time.Instant.now().plusSeconds(1);
        }
        if (Set.class.isAssignableFrom(t) && element(p) == SyncWaitFlag.class) {
            return EnumSet.noneOf(SyncWaitFlag.class);
        }
        // images (issue #12): a usage, sets, constraints, a modifier, one sample value, a live image mapping
        if (t == org.dmabuf4j.api.image.ImageUsage.class) {
            return org.dmabuf4j.api.image.ImageUsage.SAMPLE;
        }
        if (t == org.dmabuf4j.api.image.FormatSet.class) {
            return org.dmabuf4j.api.image.FormatSet.EMPTY;
        }
        if (t == org.dmabuf4j.api.image.LayoutConstraints.class) {
            return org.dmabuf4j.api.image.LayoutConstraints.NONE;
        }
        if (t == org.dmabuf4j.api.image.FormatModifier.class) {
            return org.dmabuf4j.api.image.FormatModifier.LINEAR;
        }
        if (t == long[].class) {
            return new long[] {0};
        }
        if (t == org.dmabuf4j.api.image.ImageMapping.class) {
            return w.imageMapping();
        }
        if (List.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)) {
            Class<?> e = element(p);
            if (Fence.class.isAssignableFrom(e)) {
                return List.of(w.signaled);
            }
            if (e == Reservation.class) {
                return List.of(w.buf.reservation());
            }
            if (e == MemorySegment.class) {
                return List.of(Arena.global().allocate(4096, 4096));
            }
            if (e == SgEntry.class) {
                return List.of();
            }
            if (e == SyncPoint.class) {
                // a signaled point: waits return at once, signal lists advance the world's own timeline object
                SyncObject o = w.timelineObject();
                return List.of(new SyncPoint(o, o.lastPoint() + 1));
            }
        }
        return NO_VALUE;
    }

    /**
     * The bad values for a parameter.
     *
     * @param p the parameter
     * @param w the world
     * @return the values; empty for booleans
     */
    static List<Bad> bad(Parameter p, World w) {
        Class<?> t = p.getType();
        String n = p.getName();
        List<Bad> out = new ArrayList<>();
        if (t == long.class || t == int.class) {
            boolean isLong = t == long.class;
            out.add(new Bad("-1", isLong ? (Object) (-1L) : (Object) (-1), invalidUnless(n, "deadlineNanos",
                    "value", "x", "y", "flags", "point", "srcPoint")));
            // sync-object points are unsigned 64-bit values (drm_syncobj): -1 and MIN are high points, not errors
            out.add(new Bad("MIN", isLong ? (Object) Long.MIN_VALUE : (Object) Integer.MIN_VALUE,
                    invalidUnless(n, "deadlineNanos", "flags", "point", "srcPoint")));
            out.add(new Bad("MAX", isLong ? (Object) Long.MAX_VALUE : (Object) Integer.MAX_VALUE, Kind.BOUNDARY));
            out.add(new Bad("0", isLong ? (Object) 0L : (Object) 0, POSITIVE.contains(n) ? Kind.INVALID
                    : Kind.BOUNDARY));
            if (n.equals("offset") || n.equals("srcOffset") || n.equals("dstOffset")) {
                out.add(new Bad("off-the-end " + w.buf.size(), isLong ? (Object) w.buf.size()
                        : (Object) (int) w.buf.size(), Kind.INVALID));
            }
            if (n.equals("i")) {
                // the rows of the sweep's 2-D window (a 4x4 rectangle): 4 is one past the last
                out.add(new Bad("off-the-end 4", isLong ? (Object) 4L : (Object) 4, Kind.INVALID));
            }
            if (n.equals("index") && p.getDeclaringExecutable().getDeclaringClass().getSimpleName()
                    .endsWith("Pool")) {
                // the sweep's pools have two slots
                out.add(new Bad("off-the-end 2", isLong ? (Object) 2L : (Object) 2, Kind.INVALID));
            } else if (n.equals("plane") || n.equals("index")) {
                // an image's planes: one past the last plane any format has (ImageDescriptor.MAX_PLANES)
                out.add(new Bad("off-the-end 4", isLong ? (Object) 4L : (Object) 4, Kind.INVALID));
            }
            if (n.equals("fd")) {
                // never 0, 1, 2: an adopt that wrongly succeeded would close the test JVM's own stdio
                out.removeIf(b -> b.label().equals("0"));
                out.add(new Bad("not open", 1_000_000, Kind.INVALID));
            }
            if (n.equals("dmaAddress")) {
                out.add(new Bad("off-the-end", w.mapping.dmaAddress(0) + w.buf.size(), Kind.INVALID));
            }
            return out;
        }
        if (t.isPrimitive()) {
            return out;
        }
        out.add(new Bad("null", null, Kind.INVALID));
        List<Bad> more = ImageIpcValues.bad(p, w);
        if (more != null) {
            out.addAll(more);
            return out;
        }
        if (t == String.class) {
            out.add(new Bad("blank", "  ", Kind.INVALID));
            out.add(new Bad("too long", "x".repeat(100), Kind.INVALID));
            out.add(new Bad("with NUL", "a\0b", Kind.INVALID));
        } else if (t == Duration.class) {
            out.add(new Bad("negative", Duration.ofSeconds(-1), Kind.INVALID));
            out.add(new Bad("MAX", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Kind.BOUNDARY));
        } else if (t == Device.class || t == SimulatedDevice.class) {
            out.add(new Bad("other system's device", w.otherDev, Kind.INVALID));
            out.add(new Bad("closed device", w.closedDev, Kind.INVALID));
        } else if (t == DmaBuf.class) {
            out.add(new Bad("other system's buffer", w.otherBuf, Kind.INVALID));
            out.add(new Bad("closed handle", w.closedHandle, Kind.INVALID));
            if (ImageIpcValues.wantsMemfd(p)) {
                out.add(new Bad("system-heap buffer", w.buf, Kind.INVALID));
            }
        } else if (t == Mapping.class) {
            out.add(new Bad("other system's mapping", w.otherMapping, Kind.INVALID));
            out.add(new Bad("unmapped mapping", w.unmapped, Kind.INVALID));
        } else if (t == Region.class) {
            out.add(new Bad("range off the end", Region.range(w.buf.size() - 4096, 8192), Kind.INVALID));
            out.add(new Bad("rect outside the layout", Region.rect(60, 60, 8, 8), Kind.INVALID));
        } else if (t == BufferLayout.class) {
            out.add(new Bad("tiled layout", BufferLayout.tiled(64, 64, 4, new Tiling.Tiled(16, 4)), Kind.INVALID));
        } else if (t == Fence[].class) {
            out.add(new Bad("null element", new Fence[] {null}, Kind.INVALID));
        } else if (t == AcquireContext.class) {
            AcquireContext done = w.context(w.sys);
            done.done();
            out.add(new Bad("done context", done, Kind.INVALID));
            AcquireContext closed = w.sys.newAcquireContext();
            closed.close();
            out.add(new Bad("closed context", closed, Kind.INVALID));
            out.add(new Bad("other system's context", w.context(w.other), Kind.INVALID));
            out.add(new Bad("other thread's context", otherThreads(w), Kind.INVALID));
        } else if (t == MemorySegment.class) {
            Arena a = Arena.ofConfined();
            MemorySegment dead = a.allocate(4096);
            a.close();
            out.add(new Bad("closed segment", dead, Kind.INVALID));
            out.add(new Bad("NULL segment", MemorySegment.NULL, Kind.INVALID));
            out.add(new Bad("other thread's confined segment", confinedElsewhere(), Kind.INVALID));
            out.add(new Bad("read-only segment", Arena.global().allocate(4096).asReadOnly(), Kind.BOUNDARY));
        } else if (t == Job.class) {
            out.add(new Bad("other system's job", Job.fill(w.otherMapping, 0, 4096, (byte) 1), Kind.INVALID));
        } else if (t == SyncObject.class) {
            out.add(new Bad("other system's sync object", w.otherTimelineObject(), Kind.INVALID));
            out.add(new Bad("closed sync object", w.closedSyncObject(), Kind.INVALID));
        } else if (t == SyncPoint.class) {
            out.add(new Bad("other system's point", new SyncPoint(w.otherTimelineObject(), 1), Kind.INVALID));
            out.add(new Bad("closed object's point", new SyncPoint(w.closedSyncObject(), 1), Kind.INVALID));
        } else if (Set.class.isAssignableFrom(t) && element(p) == SyncWaitFlag.class) {
            out.add(new Bad("{null}", java.util.Collections.singleton(null), Kind.INVALID));
        } else if (List.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)) {
            Class<?> e = element(p);
            out.add(new Bad("[null]", Arrays.asList((Object) null), Kind.INVALID));
            if (e == SyncPoint.class) {
                out.add(new Bad("other system's point", List.of(new SyncPoint(w.otherTimelineObject(), 1)),
                        Kind.INVALID));
                out.add(new Bad("closed object's point", List.of(new SyncPoint(w.closedSyncObject(), 1)),
                        Kind.INVALID));
            }
            if (e == Reservation.class) {
                out.add(new Bad("other system's reservation", List.of(w.otherBuf.reservation()), Kind.INVALID));
            }
            if (Fence.class.isAssignableFrom(e) || e == MemorySegment.class) {
                out.add(new Bad("empty", List.of(), Kind.INVALID));
            }
        }
        return out;
    }

    private static Kind invalidUnless(String name, String... allowed) {
        return Arrays.asList(allowed).contains(name) ? Kind.BOUNDARY : Kind.INVALID;
    }

    /**
     * A context of another thread, which stays alive until the world closes and then closes its context itself (only
     * the owner may, RESV-13): a context left unclosed would be reported as a leak (SAFE-6).
     */
    private static AcquireContext otherThreads(World w) {
        AtomicReference<AcquireContext> ref = new AtomicReference<>();
        java.util.concurrent.CountDownLatch made = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        Thread t = Thread.ofPlatform().daemon().name("context-owner").start(() -> {
            AcquireContext c = w.sys.newAcquireContext();
            ref.set(c);
            made.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.close();
        });
        try {
            made.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        w.track(() -> {
            end.countDown();
            join(t);
        });
        return ref.get();
    }

    /** One segment of a confined arena of a thread that ended, shared by all cases (never closed: 4 KiB). */
    private static final MemorySegment CONFINED_ELSEWHERE = confinedElsewhereOnce();

    private static MemorySegment confinedElsewhere() {
        return CONFINED_ELSEWHERE;
    }

    private static MemorySegment confinedElsewhereOnce() {
        AtomicReference<MemorySegment> ref = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> ref.set(Arena.ofConfined().allocate(4096)));
        join(t);
        return ref.get();
    }

    static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
