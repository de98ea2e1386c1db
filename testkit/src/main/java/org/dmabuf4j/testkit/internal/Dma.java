package org.dmabuf4j.testkit.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.core.SimulatedDevice;

/** Device access by buffer offset through a mapping's entries, across entry boundaries. */
public final class Dma {
    private Dma() {
    }

    /**
     * Writes bytes through a device.
     *
     * @param device the device
     * @param entries a mapping's entries, in buffer order
     * @param offset the buffer offset of the first byte
     * @param src the bytes
     */
    public static void write(SimulatedDevice device, List<SgEntry> entries, long offset, MemorySegment src) {
        walk(device, entries, offset, src, true);
    }

    /**
     * Reads bytes through a device.
     *
     * @param device the device
     * @param entries a mapping's entries, in buffer order
     * @param offset the buffer offset of the first byte
     * @param dst where the bytes go
     */
    public static void read(SimulatedDevice device, List<SgEntry> entries, long offset, MemorySegment dst) {
        walk(device, entries, offset, dst, false);
    }

    private static void walk(SimulatedDevice device, List<SgEntry> entries, long offset, MemorySegment data,
            boolean write) {
        long done = 0;
        long entryStart = 0;
        for (SgEntry e : entries) {
            long entryEnd = entryStart + e.length();
            long pos = offset + done;
            if (done < data.byteSize() && pos < entryEnd && pos >= entryStart) {
                long n = Math.min(data.byteSize() - done, entryEnd - pos);
                long address = e.dmaAddress() + (pos - entryStart);
                MemorySegment part = data.asSlice(done, n);
                if (write) {
                    device.dmaWrite(address, part);
                } else {
                    device.dmaRead(address, part);
                }
                done += n;
            }
            entryStart = entryEnd;
        }
        if (done != data.byteSize()) {
            throw Verify.failure(Rule.MAP_2, "the mapping's entries cover only " + entryStart + " bytes; bytes "
                    + offset + ".." + (offset + data.byteSize()) + " are not reachable through device '"
                    + device.name() + "'", "that map() returns entries covering the whole buffer");
        }
    }
}
