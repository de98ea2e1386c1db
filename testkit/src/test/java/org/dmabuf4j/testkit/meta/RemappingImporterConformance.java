package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.RemappingImporter;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterConformance;
import org.dmabuf4j.testkit.ImporterPuppet;

/** The importer suite against core's RemappingImporter, the reference dynamic importer. */
public class RemappingImporterConformance extends ImporterConformance {
    @Override
    protected ImporterPuppet puppet(DmaBuf buffer, SimulatedDevice device) {
        return new ImporterPuppet() {
            private RemappingImporter importer;

            @Override
            public void attach() {
                importer = RemappingImporter.attach(buffer, device, Direction.BIDIRECTIONAL);
            }

            @Override
            public void use() {
                importer.use(m -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment data = arena.allocate(64);
                        device.dmaRead(m.dmaAddress(0), data);
                        device.dmaWrite(m.dmaAddress(0), data);
                    }
                    return null;
                });
            }

            @Override
            public void stop() {
                importer.close();
            }
        };
    }
}
