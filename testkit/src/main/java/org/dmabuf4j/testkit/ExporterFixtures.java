package org.dmabuf4j.testkit;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.internal.HandleOnlyBuffer;

/**
 * Ready-made fixtures for the core exporters, which are not reached through {@code system.export}: the system,
 * contiguous and tiled heaps and a device's local memory.
 *
 * <p>These exporters keep their capability private, so the kit sees their buffers only through their handles: the
 * checks that need the exporter's callbacks (lock state inside map, release count) are replaced by buffer-level checks
 * (mapping entries, device translations, live buffers and native bytes). Revocation goes through
 * {@code SimulatedSystem.revoke} and moves through {@code SimulatedSystem.move}.
 */
public final class ExporterFixtures {
    /** The memory the kit gives a contiguous pool or a device's local memory: it holds at most a few MiB at once. */
    private static final long KIT_POOL = 16L << 20;

    private ExporterFixtures() {
    }

    /**
     * A fixture that allocates from a heap of the kit's system.
     *
     * @param heapName the heap's name, for example "system" or "contiguous"; not null
     * @param features what the heap offers; the standard heaps offer CPU access, 2-D regions, HEAP and (through the
     *     system) REVOCATION
     * @return the fixture
     */
    public static ExporterFixture heap(String heapName, Set<ExporterFeature> features) {
        Objects.requireNonNull(heapName, "heapName");
        Set<ExporterFeature> declared = Set.copyOf(features);
        return new ExporterFixture() {
            /**
             * A system whose contiguous pool is 16 MiB, not the default 64: the kit's tests never hold more than a
             * few MiB at once, and every test allocates (and zeroes) the pool of its own system again.
             */
            @Override
            public SimulatedSystem newSystem() {
                return DmaBufs.builder().contiguousPoolBytes(KIT_POOL).build();
            }

            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                DmaBuf handle = layout.isPresent() ? system.heap(heapName).allocate(layout.get())
                        : system.heap(heapName).allocate(size);
                if (handle.size() != size) {
                    long got = handle.size();
                    handle.close();
                    throw new ConformanceError(Rule.HEAP_2, "heap '" + heapName + "' allocated " + got
                            + " bytes for a " + size + "-byte request (a page multiple)",
                            "that the heap rounds sizes up to the page size and no further");
                }
                return new HandleOnlyBuffer(handle, system);
            }

            @Override
            public Set<ExporterFeature> features() {
                return declared;
            }

            @Override
            public String name() {
                return heapName + "-heap";
            }
        };
    }

    /**
     * The tiled heap ("tiled"): images stored in 128-byte by 32-row tiles, CPU windows in linear pixels. A plain size
     * is exported as an image one tile wide; 2-D layouts are tiled ({@link ExporterFixture#layout}).
     *
     * @return the fixture
     */
    public static ExporterFixture tiledHeap() {
        Tiling.Tiled tiles = new Tiling.Tiled(128, 32);
        Set<ExporterFeature> features = EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.TILED, ExporterFeature.HEAP, ExporterFeature.REVOCATION);
        return new ExporterFixture() {
            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                BufferLayout l = layout.orElseGet(() -> BufferLayout.tiled(tiles.widthBytes() / 4,
                        (int) (size / tiles.widthBytes()), 4, tiles));
                return new HandleOnlyBuffer(system.tiledHeap().allocate(l), system);
            }

            @Override
            public Set<ExporterFeature> features() {
                return features;
            }

            @Override
            public BufferLayout layout(int width, int height, int bytesPerPixel) {
                return BufferLayout.tiled(width, height, bytesPerPixel, tiles);
            }

            @Override
            public String name() {
                return "tiled-heap";
            }
        };
    }

    /**
     * The local memory of a simulated device ("vram@kit-gpu", a peer-to-peer capable device with 16 MiB): a dynamic
     * exporter of memory without CPU pages that moves ({@code SimulatedSystem.move}), migrates for non-peer importers,
     * and is revoked by {@code SimulatedSystem.revoke}.
     *
     * @return the fixture
     */
    public static ExporterFixture deviceMemory() {
        Set<ExporterFeature> features = EnumSet.of(ExporterFeature.DYNAMIC_MOVE, ExporterFeature.CPU_ACCESS,
                ExporterFeature.REGIONS_2D, ExporterFeature.PEER_TO_PEER, ExporterFeature.REVOCATION,
                ExporterFeature.HEAP);
        return new ExporterFixture() {
            @Override
            public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
                SimulatedDevice gpu = gpu(system);
                DmaBuf handle = layout.isPresent() ? gpu.localMemory().allocate(layout.get())
                        : gpu.localMemory().allocate(size);
                return new HandleOnlyBuffer(handle, system);
            }

            @Override
            public Set<ExporterFeature> features() {
                return features;
            }

            @Override
            public void move(ExportedBuffer buffer) {
                HandleOnlyBuffer b = (HandleOnlyBuffer) buffer;
                try {
                    b.system().move(b.handle());
                } catch (RuleViolationException pinned) {
                    if (pinned.rule() != Rule.MOVE_2) {
                        throw pinned;
                    }
                    // the system refuses to move a pinned buffer: the exporter leaves it in place (MOVE-2)
                }
            }

            @Override
            public String name() {
                return "device-memory";
            }
        };
    }

    private static SimulatedDevice gpu(SimulatedSystem system) {
        synchronized (ExporterFixtures.class) {
            for (SimulatedDevice d : system.devices()) {
                if (d.name().equals("kit-gpu") && d.isOpen()) {
                    return d;
                }
            }
            return system.newDevice("kit-gpu").peerToPeer(true).localMemory(KIT_POOL).build();
        }
    }

    /**
     * The system heap ("system"): CPU access, 2-D regions, zeroed reusable memory, revocation by the system.
     *
     * @return the fixture
     */
    public static ExporterFixture systemHeap() {
        return heap("system", EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.HEAP, ExporterFeature.REVOCATION));
    }

    /**
     * The contiguous heap ("contiguous"): CPU access, 2-D regions, zeroed reusable memory, revocation by the system.
     *
     * @return the fixture
     */
    public static ExporterFixture contiguousHeap() {
        return heap("contiguous", EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.HEAP, ExporterFeature.REVOCATION));
    }
}
