package org.dmabuf4j.core.buffer;

import org.dmabuf4j.api.Exporter;

/**
 * Marks a static exporter whose mappings the framework caches (the kernel's {@code cache_sgt_mapping}): the first
 * map of each attachment is kept, in its direction, and returned by every later map that it covers (MAP-6); a map in
 * a direction it does not cover fails busy (MAP-7). The cached mapping lives until detach. A dynamic exporter cannot
 * be one (BUF-10).
 */
public interface CachesMappings extends Exporter {
}
