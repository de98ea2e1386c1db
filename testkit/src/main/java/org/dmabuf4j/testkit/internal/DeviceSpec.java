package org.dmabuf4j.testkit.internal;

import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;

/** The simulated devices the kit attaches buffers to. */
public enum DeviceSpec {
    /** A coherent device without constraints. */
    PLAIN("dev0"),
    /** A second coherent device without constraints. */
    SECOND("dev1"),
    /** A coherent device with a 32-bit DMA mask, 64 KiB segments and a 256 KiB segment boundary. */
    CONSTRAINED("dev32"),
    /** A non-coherent device: CPU access goes through a simulated cache. */
    NON_COHERENT("ncdev"),
    /** A coherent peer-to-peer capable device. */
    PEER("p2p0"),
    /**
     * A coherent device with a segment boundary (8 KiB) smaller than its maximum segment (32 KiB): only the boundary
     * keeps entries apart, so an exporter that joins entries up to the maximum segment size crosses it.
     */
    NARROW("dev8k");

    /** The constraints of {@link #CONSTRAINED}. */
    public static final DmaConstraints TIGHT = new DmaConstraints(32, 64 * 1024, 256 * 1024);
    /** The constraints of {@link #NARROW}. */
    public static final DmaConstraints SMALL = new DmaConstraints(48, 32 * 1024, 8 * 1024);

    private final String deviceName;

    DeviceSpec(String deviceName) {
        this.deviceName = deviceName;
    }

    /**
     * The device's name.
     *
     * @return the name
     */
    public String deviceName() {
        return deviceName;
    }

    /**
     * Builds the device in a system.
     *
     * @param system the system
     * @return the new device
     */
    public SimulatedDevice build(SimulatedSystem system) {
        SimulatedDevice.Builder b = system.newDevice(deviceName);
        return switch (this) {
            case PLAIN, SECOND -> b.coherent().build();
            case CONSTRAINED -> b.coherent().constraints(TIGHT).build();
            case NON_COHERENT -> b.nonCoherent().build();
            case PEER -> b.coherent().peerToPeer(true).build();
            case NARROW -> b.coherent().constraints(SMALL).build();
        };
    }
}
