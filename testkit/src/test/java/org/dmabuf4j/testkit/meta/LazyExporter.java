package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * A third-party exporter that allocates lazily: an export costs nothing, and the memory (from the system's exporter
 * arena, zeroed by the allocation) is allocated on the first map or the first CPU window, whichever comes first, under
 * the exporter's own lock. Static; CPU windows are zero-copy views of the memory.
 *
 * <p>One {@link Bug} at a time turns it into the broken exporter of a meta-test; {@link Bug#NONE} is the correct
 * twin.
 */
final class LazyExporter implements Exporter {
    private static final long CHUNK = 64 * 1024;

    /** What this exporter gets wrong. */
    enum Bug {
        /** Correct. */
        NONE,
        /** A window on a buffer never mapped gets a scratch segment of zeros, which is dropped at close. */
        SCRATCH_WINDOW_BEFORE_FIRST_MAP,
        /** Frees the memory when the last mapping is unmapped ("idle") and allocates it again on the next touch. */
        FREES_WHEN_IDLE,
        /** Tracks the first CPU touch and the first device touch with two flags: each allocates its own memory. */
        SEPARATE_FIRST_TOUCH_FLAGS
    }

    private final DmaBufSystem system;
    private final Bug bug;
    private final long size;
    private Arena arena;
    private MemorySegment memory;
    private boolean cpuTouched;
    private boolean deviceTouched;
    private int liveMappings;
    private boolean released;

    private LazyExporter(DmaBufSystem system, Bug bug, long size) {
        this.system = system;
        this.bug = bug;
        this.size = size;
    }

    static ExportedBuffer export(SimulatedSystem system, Bug bug, long size, Optional<BufferLayout> layout) {
        return system.export(new ExportInfo("lazy", size, new LazyExporter(system, bug, size), layout));
    }

    /** The memory, allocated on first use; the caller holds this exporter's monitor. */
    private MemorySegment touch(boolean cpu) {
        if (bug == Bug.SEPARATE_FIRST_TOUCH_FLAGS) {
            boolean first = cpu ? !cpuTouched : !deviceTouched;
            if (cpu) {
                cpuTouched = true;
            } else {
                deviceTouched = true;
            }
            if (first) {
                allocate();
            }
            return memory;
        }
        if (memory == null) {
            allocate();
        }
        return memory;
    }

    private void allocate() {
        if (arena != null) {
            // the previous memory stays valid until release (SAFE-1): the framework may still view it
            retired.add(arena);
        }
        arena = system.exporterArena();
        memory = arena.allocate(size, DmaConstraints.PAGE_SIZE);
    }

    private final List<Arena> retired = new ArrayList<>();

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        MemorySegment m;
        synchronized (this) {
            m = touch(false);
            liveMappings++;
        }
        List<MemorySegment> chunks = new ArrayList<>();
        for (long off = 0; off < size; off += CHUNK) {
            chunks.add(m.asSlice(off, Math.min(CHUNK, size - off)));
        }
        return attachment.device().mapPages(chunks, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
        synchronized (this) {
            liveMappings--;
            if (bug == Bug.FREES_WHEN_IDLE && liveMappings == 0 && memory != null) {
                arena.close();
                arena = null;
                memory = null;
            }
        }
    }

    @Override
    public synchronized MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (bug == Bug.SCRATCH_WINDOW_BEFORE_FIRST_MAP && memory == null) {
            // "nothing was ever written: hand out zeros without allocating"
            return Arena.ofAuto().allocate(size, DmaConstraints.PAGE_SIZE);
        }
        return touch(true);
    }

    @Override
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        if (arena != null) {
            arena.close();
        }
        retired.forEach(Arena::close);
    }

    /** The fixture. */
    static final class Fixture implements ExporterFixture {
        private final Bug bug;

        Fixture(Bug bug) {
            this.bug = bug;
        }

        @Override
        public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
            return LazyExporter.export(system, bug, size, layout);
        }

        @Override
        public Set<ExporterFeature> features() {
            return EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D, ExporterFeature.HEAP,
                    ExporterFeature.REVOCATION);
        }

        @Override
        public String name() {
            return "lazy-" + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
