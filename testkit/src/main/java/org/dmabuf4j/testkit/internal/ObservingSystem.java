package org.dmabuf4j.testkit.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.core.SimulatedSystem;

/**
 * A view of a system that wraps every exporter passed to {@code export} in an {@link ObservedExporter}; everything
 * else goes straight to the real system. A dynamic proxy, so new methods of SimulatedSystem need no change here.
 */
public final class ObservingSystem {
    private final SimulatedSystem real;
    private final SimulatedSystem view;
    private final Recorder recorder;
    private final List<ObservedExporter> exporters = new CopyOnWriteArrayList<>();
    private volatile boolean addressChecks = true;

    /**
     * Observes a system.
     *
     * @param real the system
     * @param recorder where violations go
     */
    public ObservingSystem(SimulatedSystem real, Recorder recorder) {
        this.real = real;
        this.recorder = recorder;
        this.view = (SimulatedSystem) Proxy.newProxyInstance(SimulatedSystem.class.getClassLoader(),
                new Class<?>[] {SimulatedSystem.class}, (proxy, method, args) -> {
                    if (method.getName().equals("export") && args != null && args.length == 1
                            && args[0] instanceof ExportInfo info) {
                        return export(info);
                    }
                    if (method.getName().equals("toString") && (args == null || args.length == 0)) {
                        return "observed " + real;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private ExportedBuffer export(ExportInfo info) {
        ObservedExporter observed = new ObservedExporter(info.exporter(), recorder, info.exporterName(), info.size());
        ExportedBuffer buffer = real.export(new ExportInfo(info.exporterName(), info.size(), observed, info.layout()));
        observed.bind(buffer);
        observed.addressChecks(addressChecks);
        exporters.add(observed);
        return buffer;
    }

    /**
     * The system to hand to fixtures.
     *
     * @return the observing view
     */
    public SimulatedSystem view() {
        return view;
    }

    /**
     * The system itself.
     *
     * @return the real system
     */
    public SimulatedSystem real() {
        return real;
    }

    /**
     * The observed exporter of an exported buffer, if it was exported through this view.
     *
     * @param buffer the capability
     * @return the observer, or null
     */
    public ObservedExporter observerOf(ExportedBuffer buffer) {
        for (ObservedExporter o : exporters) {
            if (o.exported() == buffer) {
                return o;
            }
        }
        return null;
    }

    /**
     * Every observed exporter.
     *
     * @return the observers
     */
    public List<ObservedExporter> exporters() {
        return List.copyOf(exporters);
    }

    /**
     * Turns address checks on or off for all current and future observers.
     *
     * @param on whether to check
     */
    public void addressChecks(boolean on) {
        addressChecks = on;
        exporters.forEach(o -> o.addressChecks(on));
    }
}
