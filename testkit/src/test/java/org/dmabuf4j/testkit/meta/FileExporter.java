package org.dmabuf4j.testkit.meta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/**
 * A third-party exporter over memory-mapped files, with a write-back cache for the CPU: each buffer is a new file,
 * mapped with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} into an arena of its own (closed at
 * release, when the file is deleted); devices map the file's pages; CPU windows see a cache of the whole buffer (its
 * own memory) into which begin copies the window's spans from the file and out of which close writes them back.
 * vmap returns the file mapping itself. A fresh file reads as zeros (HEAP-1). Static.
 *
 * <p>One {@link Bug} at a time turns it into the broken exporter of a meta-test; {@link Bug#NONE} is the correct
 * twin.
 */
final class FileExporter implements Exporter {
    private static final long CHUNK = 64 * 1024;

    /** What this exporter gets wrong. */
    enum Bug {
        /** Correct. */
        NONE,
        /**
         * Refreshes the cache only for windows that read, and writes back the bounding range of the spans: a
         * write-only 2-D window clobbers the bytes between its rows with stale cache contents.
         */
        WRITE_WINDOW_WRITES_STALE_RANGE,
        /** beginCpuAccess refreshes only the first span (row) of the window. */
        REFRESHES_FIRST_SPAN_ONLY,
        /** vmap returns a copy of the file, and vunmap drops it without writing it back. */
        VMAP_RETURNS_A_COPY,
        /** endCpuAccess copies each span from the start of the cache instead of from the span's offset. */
        WRITES_BACK_FROM_CACHE_START,
        /** Refreshes the cache only for the first window of a buffer, so later windows see stale bytes. */
        REFRESHES_CACHE_ONCE,
        /** Unmaps the file when the last attachment detaches, though a handle is still open. */
        UNMAPS_FILE_AT_LAST_DETACH,
        /** Maps the file in 64 KiB granules and hands devices the whole mapping, past the buffer's end. */
        MAPS_WHOLE_GRANULES,
        /** Fills the cache only for windows that read, and writes the whole cache back when any window closes. */
        WRITES_BACK_WHOLE_CACHE
    }

    private final Bug bug;
    private final long size;
    private final Path file;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment mapped;
    private final MemorySegment cache;
    private final AtomicLong live;
    private int attachments;
    private boolean refreshedOnce;
    private boolean closed;

    private FileExporter(Bug bug, long size, Path file, FileChannel channel, Arena arena, MemorySegment mapped,
            AtomicLong live) {
        this.bug = bug;
        this.size = size;
        this.file = file;
        this.channel = channel;
        this.arena = arena;
        this.mapped = mapped;
        this.live = live;
        this.cache = Arena.ofAuto().allocate(size, DmaConstraints.PAGE_SIZE);
    }

    static ExportedBuffer export(SimulatedSystem system, Path dir, AtomicLong live, Bug bug, long size,
            Optional<BufferLayout> layout) {
        Path file = null;
        FileChannel channel = null;
        Arena arena = Arena.ofShared();
        try {
            file = Files.createTempFile(dir, "buf-", ".bin");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long length = bug == Bug.MAPS_WHOLE_GRANULES ? (size + CHUNK - 1) / CHUNK * CHUNK : size;
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
            FileExporter ex = new FileExporter(bug, size, file, channel, arena, mapped, live);
            live.addAndGet(size);
            try {
                return system.export(new ExportInfo("mmapfile", size, ex, layout));
            } catch (RuntimeException refused) {
                ex.release();
                throw refused;
            }
        } catch (IOException e) {
            arena.close();
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to undo
                }
            }
            throw new UncheckedIOException("cannot create a mapped file in " + dir, e);
        }
    }

    private MemorySegment memory() {
        return bug == Bug.MAPS_WHOLE_GRANULES ? mapped : mapped.asSlice(0, size);
    }

    @Override
    public synchronized void attach(Attachment attachment) {
        attachments++;
    }

    @Override
    public void detach(Attachment attachment) {
        synchronized (this) {
            attachments--;
            if (bug != Bug.UNMAPS_FILE_AT_LAST_DETACH || attachments > 0) {
                return;
            }
        }
        // "no device uses the file any more: unmap it"
        unmapFile();
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        if (attachment.buffer().isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + attachment.buffer().id() + " (file " + file
                    + ") is revoked: device '" + attachment.device().name() + "' cannot map it");
        }
        MemorySegment m = memory();
        List<MemorySegment> chunks = new ArrayList<>();
        for (long off = 0; off < m.byteSize(); off += CHUNK) {
            chunks.add(m.asSlice(off, Math.min(CHUNK, m.byteSize() - off)));
        }
        return attachment.device().mapPages(chunks, direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public synchronized MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        boolean refresh = switch (bug) {
            case WRITE_WINDOW_WRITES_STALE_RANGE, WRITES_BACK_WHOLE_CACHE -> access.reads();
            case REFRESHES_CACHE_ONCE -> !refreshedOnce;
            default -> true;
        };
        refreshedOnce = true;
        if (refresh) {
            List<Span> fill = bug == Bug.REFRESHES_FIRST_SPAN_ONLY ? spans.subList(0, 1) : spans;
            for (Span s : fill) {
                MemorySegment.copy(mapped, s.offset(), cache, s.offset(), s.length());
            }
        }
        return cache;
    }

    @Override
    public synchronized void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        if (!access.writes()) {
            return;
        }
        if (bug == Bug.WRITES_BACK_WHOLE_CACHE) {
            // "one big copy is faster than many small ones"
            MemorySegment.copy(cache, 0, mapped, 0, size);
            return;
        }
        if (bug == Bug.WRITE_WINDOW_WRITES_STALE_RANGE) {
            // one copy instead of one per row
            long from = spans.getFirst().offset();
            long to = spans.getLast().end();
            MemorySegment.copy(cache, from, mapped, from, to - from);
            return;
        }
        for (Span s : spans) {
            long source = bug == Bug.WRITES_BACK_FROM_CACHE_START ? 0 : s.offset();
            MemorySegment.copy(cache, source, mapped, s.offset(), s.length());
        }
    }

    @Override
    public MemorySegment vmap() {
        if (bug == Bug.VMAP_RETURNS_A_COPY) {
            MemorySegment copy = Arena.ofAuto().allocate(size, DmaConstraints.PAGE_SIZE);
            copy.copyFrom(mapped.asSlice(0, size));
            return copy;
        }
        return mapped.asSlice(0, size);
    }

    @Override
    public void vunmap(MemorySegment memory) {
        // the file mapping stays until release; a copy is dropped
    }

    private void unmapFile() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        live.addAndGet(-size);
        arena.close();
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    @Override
    public void release() {
        unmapFile();
    }

    /** The fixture: files in a temporary directory, the bytes of live files counted. */
    static final class Fixture implements ExporterFixture {
        private static final Path DIR;

        static {
            try {
                DIR = Files.createTempDirectory("dmabuf4j-kit-files-");
                DIR.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private final Bug bug;
        private final AtomicLong live = new AtomicLong();

        Fixture(Bug bug) {
            this.bug = bug;
        }

        @Override
        public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
            return FileExporter.export(system, DIR, live, bug, size, layout);
        }

        @Override
        public Set<ExporterFeature> features() {
            return EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D, ExporterFeature.HEAP,
                    ExporterFeature.REVOCATION);
        }

        @Override
        public OptionalLong liveBytes() {
            return OptionalLong.of(live.get());
        }

        @Override
        public String name() {
            return "mmapfile-" + bug.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
