package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.core.buffer.SystemImpl;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The shared fixture of core's tests: gives each test a fresh {@link SimulatedSystem} (a parameter), and after the
 * test asserts that nothing leaked: no live buffers, no live native bytes, no held reservation locks, no IOMMU
 * translations, no open ownership claims and no leak reports. Then it closes the system.
 */
final class SystemExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SystemExtension.class);

    SystemExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        Class<?> t = p.getParameter().getType();
        return t == SimulatedSystem.class || t == SystemImpl.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getStore(NS).getOrComputeIfAbsent("system", k -> build(settings(c)), SimulatedSystem.class);
    }

    private static SystemSettings settings(ExtensionContext c) {
        Optional<SystemSettings> m = c.getTestMethod().map(x -> x.getAnnotation(SystemSettings.class));
        if (m.isPresent()) {
            return m.get();
        }
        AnnotatedElement cls = c.getRequiredTestClass();
        SystemSettings s = cls.getAnnotation(SystemSettings.class);
        return s != null ? s : Defaults.class.getAnnotation(SystemSettings.class);
    }

    @SystemSettings
    private static final class Defaults {
    }

    private static SimulatedSystem build(SystemSettings s) {
        return DmaBufs.builder()
                .ownershipPolicy(s.policy())
                .contiguousPoolBytes(s.contiguousPoolKiB() * 1024)
                .systemHeapCapacity(s.systemHeapKiB() * 1024)
                .leakDetection(true)
                .build();
    }

    @Override
    public void afterEach(ExtensionContext c) {
        SimulatedSystem sys = c.getStore(NS).remove("system", SimulatedSystem.class);
        if (sys == null) {
            return;
        }
        try {
            assertClean(sys, settings(c).expectLeaks());
        } finally {
            sys.close();
        }
    }

    /**
     * Asserts that a system holds nothing any more.
     *
     * @param sys the system
     * @param leaksExpected whether leak reports are allowed
     */
    static void assertClean(SimulatedSystem sys, boolean leaksExpected) {
        SystemImpl impl = (SystemImpl) sys;
        assertEquals(List.of(), sys.liveBufferIds(), () -> "live buffers after the test:\n" + sys.describeBuffers());
        assertEquals(0, sys.liveNativeBytes(), "live native bytes after the test");
        assertEquals(List.of(), impl.heldReservations(), "reservation locks still held after the test");
        List<String> translations = new ArrayList<>();
        for (SimulatedDevice d : sys.devices()) {
            if (d.liveTranslations() != 0) {
                translations.add(d.name() + ": " + d.liveTranslations());
            }
        }
        assertEquals(List.of(), translations, "IOMMU translations left after the test");
        assertEquals(0, impl.openOwnershipClaims(), "open ownership claims after the test");
        if (!leaksExpected) {
            assertTrue(sys.leakReports().isEmpty(), () -> "leak reports: " + sys.leakReports());
        }
    }
}
