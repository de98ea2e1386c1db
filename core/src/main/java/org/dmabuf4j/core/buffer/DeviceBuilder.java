package org.dmabuf4j.core.buffer;

import org.dmabuf4j.api.DmaConstraints;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.device.ImageSupport;
import org.dmabuf4j.core.device.SimulatedDeviceImpl;

/** Configures a device of a {@link SystemImpl}. */
final class DeviceBuilder implements SimulatedDevice.Builder {
    private final SystemImpl system;
    private final String name;
    private boolean coherent = true;
    private DmaConstraints constraints = DmaConstraints.NONE;
    private boolean peerToPeer;
    private long localMemory;
    private int engines = 1;
    private ImageSupport images = ImageSupport.DEFAULT;

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
    public SimulatedDevice.Builder localMemory(long bytes) {
        if (bytes <= 0 || bytes % DmaConstraints.PAGE_SIZE != 0) {
            throw new RuleViolationException(Rule.HEAP_3, "localMemory(" + bytes + ") for device '" + name
                    + "': must be a positive multiple of " + DmaConstraints.PAGE_SIZE);
        }
        localMemory = bytes;
        return this;
    }

    @Override
    public SimulatedDevice.Builder engines(int count) {
        if (count < 1 || count > 64) {
            throw new RuleViolationException(Rule.DEV_8, "engines(" + count + ") for device '" + name
                    + "': a device has 1 to 64 engines");
        }
        engines = count;
        return this;
    }

    @Override
    public SimulatedDevice.Builder formats(ImageUsage usage, FormatSet formats) {
        if (usage == null || formats == null) {
            throw new RuleViolationException(Rule.NEG_3, "formats(" + usage + ", " + formats + ") for device '" + name
                    + "': pass a usage and a format set (FormatSet.EMPTY for none)");
        }
        images = images.with(usage, formats);
        return this;
    }

    @Override
    public SimulatedDevice.Builder importConstraints(LayoutConstraints newConstraints) {
        if (newConstraints == null) {
            throw new RuleViolationException(Rule.NEG_3, "importConstraints(null) for device '" + name
                    + "': pass LayoutConstraints.NONE for none");
        }
        images = new ImageSupport(images.formats(), newConstraints, images.implicitModifier());
        return this;
    }

    @Override
    public SimulatedDevice.Builder implicitModifier(FormatModifier modifier) {
        if (modifier == null || !modifier.isKnown() || modifier.hasMetadataPlanes()) {
            throw new RuleViolationException(Rule.NEG_2, "implicitModifier(" + modifier + ") for device '" + name
                    + "': the implicit layout is LINEAR or SIM_TILED (an implicit image describes only its colour"
                    + " planes, so it cannot carry metadata planes)");
        }
        images = new ImageSupport(images.formats(), images.importConstraints(), modifier);
        return this;
    }

    @Override
    public SimulatedDevice build() {
        SimulatedDevice d = system.addDevice(name, constraints, coherent, peerToPeer, engines, images);
        if (localMemory > 0) {
            system.addLocalMemory((SimulatedDeviceImpl) d, localMemory);
        }
        return d;
    }
}
