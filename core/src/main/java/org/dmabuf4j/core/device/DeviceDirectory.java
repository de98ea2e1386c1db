package org.dmabuf4j.core.device;

/** The devices of a system, as a device sees them when it explains a fault. */
public interface DeviceDirectory {
    /**
     * The other devices that translate an address, for fault messages (an address of another device).
     *
     * @param address a DMA address
     * @param except the faulting device
     * @return the names of other devices that map it, comma separated, or empty
     */
    String otherDevicesMapping(long address, SimulatedDeviceImpl except);
}
