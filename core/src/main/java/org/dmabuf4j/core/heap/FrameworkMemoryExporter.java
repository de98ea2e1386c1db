package org.dmabuf4j.core.heap;

import org.dmabuf4j.api.Exporter;

/**
 * Marks core's own exporters, whose memory the framework itself allocates and frees only after release (HEAP-5):
 * the one kind of memory the framework views through segments re-scoped to its own windows and mappings without
 * holding anything (SAFE-1). Not exported from the module; a third-party exporter implementing it on the class path
 * gives up SAFE-1's protection.
 */
public interface FrameworkMemoryExporter extends Exporter {
}
