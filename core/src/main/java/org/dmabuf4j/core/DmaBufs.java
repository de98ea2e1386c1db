package org.dmabuf4j.core;

import org.dmabuf4j.core.buffer.SystemBuilder;

/**
 * The entry point of the reference implementation: creates {@link SimulatedSystem}s.
 *
 * <pre>
 *   try (SimulatedSystem sys = DmaBufs.newSystem()) { ... }
 *   SimulatedSystem sys = DmaBufs.builder().contiguousPoolBytes(256 &lt;&lt; 20).ownershipPolicy(OwnershipPolicy.RECORD).build();
 * </pre>
 *
 * <p>Tests and programs run with {@code --enable-native-access=org.dmabuf4j.core} (module path) or
 * {@code --enable-native-access=ALL-UNNAMED} (class path): the library reinterprets segments to scope the views it
 * hands out.
 */
public final class DmaBufs {
    private DmaBufs() {
    }

    /**
     * A system with the default settings: 64 MiB contiguous pool, 4 GiB system heap, ownership policy THROW, leak
     * detection on.
     *
     * @return a new, open system
     */
    public static SimulatedSystem newSystem() {
        return builder().build();
    }

    /**
     * A builder for a system with other settings.
     *
     * @return a new builder
     */
    public static SimulatedSystem.Builder builder() {
        return new SystemBuilder();
    }
}
