package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.core.heap.LinearMemoryExporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #10 item 2 (SAFE-4, CPU-9): an invalidate of the simulated CPU cache while a writable window is open keeps
 * the window's dirty lines. The reproduced interleaving (a window writes 0x77, another importer unmaps a FROM_DEVICE
 * mapping of the non-coherent device, the window closes, the bytes read 0x00) and its variants: detach of a dynamic
 * attachment with a cached BIDIRECTIONAL mapping, a move's (and an eviction's) invalidation, a revocation; each
 * during an open READ_WRITE and WRITE window over a 1-D range and a 2-D rectangle.
 */
@ExtendWith(SystemExtension.class)
class DirtyLinesSurviveInvalidationTest {
    private static final BufferLayout LAYOUT = BufferLayout.linear(64, 64, 4); // 16 KiB, 256-byte rows
    private static final long SIZE = 16 * KIB;
    private static final byte CPU = 0x77;

    /** What kills a mapping of the non-coherent device while the window is open. */
    enum Invalidation { UNMAP_FROM_DEVICE, DETACH_DYNAMIC_CACHED, MOVE, REVOKE }

    /** A dynamic exporter with linear CPU memory: it gets the simulated cache, and its moves invalidate. */
    static final class LinearMovableExporter extends DynamicTestExporter implements LinearMemoryExporter {
        LinearMovableExporter() {
            super(SIZE);
        }

        @Override
        public MemorySegment cpuMemory() {
            return memory;
        }
    }

    /** A static exporter with linear CPU memory: a dynamic importer gets a cached BIDIRECTIONAL mapping (ATT-5). */
    static final class LinearStaticExporter extends TestExporter implements LinearMemoryExporter {
        LinearStaticExporter() {
            super(SIZE);
        }

        @Override
        public MemorySegment cpuMemory() {
            return memory;
        }
    }

    /** A dynamic importer that unmaps nothing: the framework kills its mappings. */
    private static final class QuietImporter implements Importer {
        @Override
        public void moveNotify(Attachment attachment) {
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(Invalidation.values()).flatMap(inv -> Stream.of(Access.READ_WRITE, Access.WRITE)
                .flatMap(acc -> Stream.of(Region.range(0, 4 * KIB), Region.rect(8, 8, 16, 16))
                        .map(region -> Arguments.of(inv, acc, region))));
    }

    @ParameterizedTest(name = "{0} during a {1} window on {2}")
    @MethodSource("cases")
    @DisplayName("SAFE-4: an invalidate of the CPU cache during an open writable window keeps the window's dirty lines")
    void dirtyLinesSurvive(Invalidation inv, Access access, Region region, SimulatedSystem sys) {
        SimulatedDevice nc = sys.newDevice("nc").nonCoherent().build();
        TestExporter exp = inv == Invalidation.MOVE ? new LinearMovableExporter() : new LinearStaticExporter();
        ExportedBuffer eb = sys.export(ExportInfo.of("linear", SIZE, exp).withLayout(LAYOUT));
        DmaBuf buf = eb.handle();
        boolean dynamic = inv != Invalidation.UNMAP_FROM_DEVICE;
        Attachment att = dynamic ? buf.attach(nc, new QuietImporter()) : buf.attach(nc);
        Mapping m = att.mapUnlocked(dynamic ? Direction.BIDIRECTIONAL : Direction.FROM_DEVICE);
        CpuAccess w = buf.beginCpuAccess(access, region);
        for (MemorySegment row : w.segments()) {
            row.fill(CPU);
        }
        boolean closed = false;
        switch (inv) {
            case UNMAP_FROM_DEVICE -> att.unmapUnlocked(m);
            case DETACH_DYNAMIC_CACHED -> {
                assertEquals(true, m.isCached(), "a dynamic importer of a static exporter maps once, cached");
                att.close(); // detach unmaps the cached BIDIRECTIONAL mapping (ATT-6)
                closed = true;
            }
            case MOVE -> {
                buf.reservation().lock();
                try {
                    // the invalidation of a move or an eviction, before the exporter copies (MOVE-3, MOVE-5)
                    eb.invalidateMappings();
                } finally {
                    buf.reservation().unlock();
                }
                att.unmapUnlocked(m);
            }
            case REVOKE -> {
                sys.revoke(buf, Duration.ofSeconds(10));
                att.unmapUnlocked(m);
            }
        }
        for (MemorySegment row : w.segments()) {
            assertEquals(-1, row.mismatch(MemorySegment.ofArray(filled(row.byteSize()))),
                    "the open window lost its bytes to the " + inv + " invalidate");
        }
        List<org.dmabuf4j.api.Span> spans = w.spans();
        w.close();
        if (inv != Invalidation.REVOKE) {
            try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                for (org.dmabuf4j.api.Span s : spans) {
                    MemorySegment bytes = r.segment().asSlice(s.offset(), s.length());
                    assertEquals(-1, bytes.mismatch(MemorySegment.ofArray(filled(s.length()))),
                            "the window's bytes did not reach memory at close");
                }
            }
        } else {
            MemorySegment memory = ((LinearMemoryExporter) exp).cpuMemory();
            for (org.dmabuf4j.api.Span s : spans) {
                assertEquals(CPU, memory.get(ValueLayout.JAVA_BYTE, s.offset()), "the close cleaned the lines");
            }
        }
        if (!closed) {
            att.close();
        }
        assertFalse(att.isAttached());
        buf.close();
    }

    /** Issue #10 item 2, the begin variant: another window's begin invalidates its region but keeps dirty lines. */
    @ParameterizedTest(name = "a READ window opened during a {0} window")
    @MethodSource("writers")
    @DisplayName("SAFE-4: a window's begin on a non-coherent buffer keeps the lines another open window dirtied")
    void anotherWindowsBeginKeepsDirtyLines(Access access, SimulatedSystem sys) {
        SimulatedDevice nc = sys.newDevice("nc").nonCoherent().build();
        try (DmaBuf buf = sys.systemHeap().allocate(SIZE); Attachment att = buf.attach(nc)) {
            CpuAccess w = buf.beginCpuAccess(access, Region.range(0, 4 * KIB), org.dmabuf4j.api.Confinement.SHARED);
            w.segment().fill(CPU);
            try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                assertEquals(CPU, r.segment().get(ValueLayout.JAVA_BYTE, 4 * KIB - 1), "the reader sees the writer's line");
            }
            assertEquals(CPU, w.segment().get(ValueLayout.JAVA_BYTE, 0), "the writer kept its bytes");
            w.close();
            try (CpuAccess r = buf.beginCpuAccess(Access.READ)) {
                assertEquals(CPU, r.segment().get(ValueLayout.JAVA_BYTE, 0));
            }
            assertFalse(att.buffer().isRevoked());
        }
    }

    static Stream<Access> writers() {
        return Stream.of(Access.READ_WRITE, Access.WRITE);
    }

    private static byte[] filled(long n) {
        byte[] b = new byte[(int) n];
        java.util.Arrays.fill(b, CPU);
        return b;
    }
}
