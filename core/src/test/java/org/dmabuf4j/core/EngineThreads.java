package org.dmabuf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.core.engine.EngineImpl;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, and after {@link SystemExtension} has closed the test's system (register this
 * extension first: after-each callbacks run in reverse order), asserts that no engine thread is alive (DEV-7: closing
 * a device ends its engines).
 */
final class EngineThreads implements AfterEachCallback {
    EngineThreads() {
    }

    @Override
    public void afterEach(ExtensionContext c) {
        assertEquals(List.of(), live(), "engine threads alive after the test's system was closed");
    }

    /**
     * The names of the live engine threads.
     *
     * @return the names
     */
    static List<String> live() {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(EngineImpl.THREAD_PREFIX) && t.isAlive()) {
                out.add(t.getName());
            }
        }
        return out;
    }
}
