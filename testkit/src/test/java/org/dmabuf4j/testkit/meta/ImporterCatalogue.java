package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.core.RemappingImporter;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterPuppet;

/**
 * Every importer the importer kit's meta-tests run against: the hand-written {@link FlawedImporter} correct in three
 * designs (dynamic, static, pinned for life) and broken in one way per subject ({@link ImporterFlaw}), and core's
 * {@link RemappingImporter}.
 */
final class ImporterCatalogue {
    private ImporterCatalogue() {
    }

    static List<ImporterSubject> all() {
        List<ImporterSubject> out = new ArrayList<>();
        for (ImporterFlaw f : ImporterFlaw.values()) {
            String design = switch (f.design()) {
                case DYNAMIC -> "dynamic";
                case STATIC -> "static";
                case PINNING -> "pinning";
            };
            out.add(new ImporterSubject(design, f.rule == null ? "none" : f.name().toLowerCase(Locale.ROOT)
                    .replace('_', '-'), f.description, f.rule, f.collateral, f.expect,
                    (buffer, device) -> new FlawedImporter(buffer, device, f)));
        }
        out.add(new ImporterSubject("remapping", "none", "core's RemappingImporter", null, Set.of(), List.of(),
                ImporterCatalogue::remapping));
        return out;
    }

    private static ImporterPuppet remapping(DmaBuf buffer, SimulatedDevice device) {
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
