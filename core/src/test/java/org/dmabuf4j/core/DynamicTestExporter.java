package org.dmabuf4j.core;

import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Rule;

/**
 * A dynamic exporter for tests: it pins and unpins (recorded), can refuse pins, and moves its memory on request
 * (under the lock, after invalidating the mappings: MOVE-1, MOVE-3).
 */
class DynamicTestExporter extends TestExporter {
    volatile boolean refusePin;
    volatile int pins;
    volatile int moves;

    DynamicTestExporter(long size) {
        super(size);
    }

    DynamicTestExporter(long size, DmaBufSystem system) {
        super(size, system);
    }

    @Override
    public boolean isDynamic() {
        return true;
    }

    @Override
    public void pin(Attachment attachment) {
        calls.add("pin " + attachment.device().name());
        if (refusePin) {
            throw new PinRefusedException(Rule.PIN_2, "test exporter refuses to pin");
        }
        pins++;
    }

    @Override
    public void unpin(Attachment attachment) {
        calls.add("unpin " + attachment.device().name());
        pins--;
    }

    /** Moves the memory; the caller holds the reservation lock. */
    void move(ExportedBuffer exported) {
        exported.invalidateMappings();
        MemorySegment fresh = allocate();
        fresh.copyFrom(memory);
        memory = fresh;
        moves++;
        calls.add("moved");
    }
}
