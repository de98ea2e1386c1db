package org.dmabuf4j.examples.mmapfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/**
 * A third-party exporter: buffers whose memory is a memory-mapped file.
 *
 * <p>Each buffer gets a new file in a directory, mapped with {@link FileChannel#map(FileChannel.MapMode, long, long,
 * Arena)} into an arena of {@link DmaBufSystem#exporterArena()}: the framework keeps the file mapped for as long as it
 * views it, so even a release that ran too early could not make it touch unmapped pages (SAFE-1). Devices see the mapping as 64 KiB chunks that each device maps into its own
 * address space with {@link org.dmabuf4j.api.Device#mapPages}; the CPU sees the file's pages directly (they are
 * coherent CPU memory, so a window is a zero-copy view). A fresh file reads as zeros, so exports are zeroed (HEAP-1);
 * release unmaps the file and deletes it (HEAP-5). The exporter is static: the file never moves.
 *
 * <pre>
 *   ExportedBuffer e = MappedFileExporter.export(system, dir, 1 &lt;&lt; 20, Optional.empty());
 *   try (DmaBuf buf = e.handle()) { ... attach, map, beginCpuAccess ... }   // the file is deleted on release
 * </pre>
 */
public final class MappedFileExporter implements Exporter {
    /** The exporter name every buffer carries. */
    public static final String NAME = "mmapfile";
    private static final long CHUNK = 64 * 1024;
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Path file;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment memory;
    private final AtomicBoolean released = new AtomicBoolean();

    private MappedFileExporter(Path file, FileChannel channel, Arena arena, MemorySegment memory) {
        this.file = file;
        this.channel = channel;
        this.arena = arena;
        this.memory = memory;
    }

    /**
     * Creates a file of {@code size} bytes in {@code directory}, maps it and exports it through the system.
     *
     * @param system the system to export into
     * @param directory where the backing file goes
     * @param size bytes; a positive multiple of the page size
     * @param layout the 2-D layout, or empty
     * @return the exporter's capability; its handle is the caller's
     * @throws UncheckedIOException if the file cannot be created or mapped; nothing is left behind
     */
    public static ExportedBuffer export(DmaBufSystem system, Path directory, long size, Optional<BufferLayout> layout) {
        Path file = null;
        FileChannel channel = null;
        Arena arena = system.exporterArena();
        try {
            file = Files.createTempFile(directory, "dmabuf-", ".bin");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // mapping past the end grows the file; its new bytes read as zeros
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            MappedFileExporter exporter = new MappedFileExporter(file, channel, arena, memory);
            LIVE_BYTES.addAndGet(size);
            try {
                return system.export(new ExportInfo(NAME, size, exporter, layout));
            } catch (RuntimeException refused) {
                exporter.release();
                throw refused;
            }
        } catch (IOException e) {
            arena.close();
            closeQuietly(channel);
            deleteQuietly(file);
            throw new UncheckedIOException("cannot create a " + size + "-byte mapped file in " + directory, e);
        }
    }

    /**
     * Bytes of all mapped files not yet released, for leak checks.
     *
     * @return the byte count
     */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** The file in device-sized pieces: each device splits them further for its own constraints. */
    private List<MemorySegment> chunks() {
        List<MemorySegment> chunks = new ArrayList<>();
        for (long off = 0; off < memory.byteSize(); off += CHUNK) {
            chunks.add(memory.asSlice(off, Math.min(CHUNK, memory.byteSize() - off)));
        }
        return chunks;
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        return attachment.device().mapPages(chunks(), direction);
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        return memory;
    }

    @Override
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        LIVE_BYTES.addAndGet(-memory.byteSize());
        arena.close();
        closeQuietly(channel);
        deleteQuietly(file);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the mapping is gone already; a failed close leaks only a descriptor
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
