package org.dmabuf4j.core.buffer;

import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.core.SimulatedDevice;

/** Configures a device of a {@link SystemImpl}. */
final class DeviceBuilder implements SimulatedDevice.Builder {
    private final SystemImpl system;
    private final String name;
    private boolean coherent = true;
    private DmaConstraints constraints = DmaConstraints.NONE;
    private boolean peerToPeer;

    DeviceBuilder(SystemImpl system, String name) {
        this.system = system;
        this.name = name;
    }

    @Override
    public SimulatedDevice.Builder coherent() {
        coherent = true;
        return this;
    }

    @Override
    public SimulatedDevice.Builder nonCoherent() {
        coherent = false;
        return this;
    }

    @Override
    public SimulatedDevice.Builder constraints(DmaConstraints newConstraints) {
        if (newConstraints == null) {
            throw new RuleViolationException(Rule.DEV_3, "constraints(null) for device '" + name
                    + "': pass DmaConstraints.NONE for no limits");
        }
        constraints = newConstraints;
        return this;
    }

    @Override
    public SimulatedDevice.Builder peerToPeer(boolean capable) {
        peerToPeer = capable;
        return this;
    }

    @Override
    public SimulatedDevice build() {
        return system.addDevice(name, constraints, coherent, peerToPeer);
    }
}
