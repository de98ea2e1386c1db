package org.dmabuf4j.core.vram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.DmaConstraints;

/** Where a device-memory buffer lives: a region of its device's pool, or system pages. */
sealed interface Location permits Location.InDevice, Location.InSystem {
    /**
     * The bytes, linear, the buffer's size.
     *
     * @return the memory
     */
    MemorySegment memory();

    /**
     * A region of the device's memory pool: no CPU pages; peers reach it at bus address {@code offset}.
     *
     * @param offset the region's bus address (its offset in the pool)
     * @param memory the region
     */
    record InDevice(long offset, MemorySegment memory) implements Location {
    }

    /**
     * System pages: linear CPU memory made of chunks of 1 MiB, 64 KiB and 4 KiB, as the system heap makes them.
     *
     * @param arena owns the memory
     * @param memory the memory
     * @param chunks views of the chunks, in order, for {@link org.dmabuf4j.api.Device#mapPages}
     */
    record InSystem(Arena arena, MemorySegment memory, List<MemorySegment> chunks) implements Location {
        private static final long[] CHUNK_SIZES = {1L << 20, 64L << 10, DmaConstraints.PAGE_SIZE};

        /**
         * Allocates zeroed system pages.
         *
         * @param bytes a positive multiple of the page size
         * @return the location
         */
        static InSystem allocate(long bytes) {
            Arena arena = Arena.ofShared();
            MemorySegment memory;
            try {
                memory = arena.allocate(bytes, DmaConstraints.PAGE_SIZE);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
            List<MemorySegment> chunks = new ArrayList<>();
            long offset = 0;
            int order = 0;
            while (offset < bytes) {
                while (CHUNK_SIZES[order] > bytes - offset) {
                    order++;
                }
                chunks.add(memory.asSlice(offset, CHUNK_SIZES[order]));
                offset += CHUNK_SIZES[order];
            }
            return new InSystem(arena, memory, List.copyOf(chunks));
        }
    }
}
