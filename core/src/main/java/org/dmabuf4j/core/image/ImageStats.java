package org.dmabuf4j.core.image;

import java.util.concurrent.atomic.LongAdder;
import org.dmabuf4j.core.ImageCounters;

/** The live image counters of one system. */
final class ImageStats {
    final LongAdder allocations = new LongAdder();
    final LongAdder imports = new LongAdder();
    final LongAdder refusedImports = new LongAdder();
    final LongAdder planeWindows = new LongAdder();
    final LongAdder bytesDetiled = new LongAdder();
    final LongAdder bytesRetiled = new LongAdder();
    final LongAdder tilesResolved = new LongAdder();
    final LongAdder copyJobs = new LongAdder();
    final LongAdder fillJobs = new LongAdder();
    final LongAdder bytesConverted = new LongAdder();
    final LongAdder tilesFastCleared = new LongAdder();
    final LongAdder negotiations = new LongAdder();
    final LongAdder fallbacks = new LongAdder();
    final LongAdder cpuCopies = new LongAdder();
    final LongAdder blits = new LongAdder();

    ImageCounters snapshot() {
        return new ImageCounters(allocations.sum(), imports.sum(), refusedImports.sum(), planeWindows.sum(),
                bytesDetiled.sum(), bytesRetiled.sum(), tilesResolved.sum(), copyJobs.sum(), fillJobs.sum(),
                bytesConverted.sum(), tilesFastCleared.sum(), negotiations.sum(), fallbacks.sum(), cpuCopies.sum(),
                blits.sum());
    }
}
