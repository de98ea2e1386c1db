package org.dmabuf4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.testkit.ExporterConformance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One convention for interrupts across everything a user calls: a blocking call that is interrupted throws the
 * unchecked {@link DmaInterruptedException} (a {@link DmaBufException} naming the rule whose wait was interrupted);
 * no public or protected method or constructor of the exported packages of api, core and testkit declares the checked
 * {@link InterruptedException}, so callers never write a catch for it. The testkit's own JUnit test methods are not
 * API (JUnit calls them) and are left out.
 */
class ApiConventionsTest {
    private static final List<Class<?>> MODULE_ANCHORS = List.of(DmaBuf.class, DmaBufs.class,
            ExporterConformance.class);

    @Test
    @DisplayName("FENCE-12: DmaInterruptedException is unchecked and a DmaBufException")
    void theInterruptExceptionIsUnchecked() {
        assertTrue(RuntimeException.class.isAssignableFrom(DmaInterruptedException.class));
        assertTrue(DmaBufException.class.isAssignableFrom(DmaInterruptedException.class));
    }

    @Test
    @DisplayName("FENCE-12: no public method of api, core or testkit declares the checked InterruptedException")
    void noPublicMethodDeclaresInterruptedException() throws Exception {
        List<String> offenders = new ArrayList<>();
        int methods = 0;
        for (Class<?> anchor : MODULE_ANCHORS) {
            for (Class<?> type : publicTypesOf(anchor)) {
                List<Executable> all = new ArrayList<>(List.of(type.getDeclaredMethods()));
                all.addAll(List.of(type.getDeclaredConstructors()));
                for (Executable e : all) {
                    int mod = e.getModifiers();
                    boolean visible = Modifier.isPublic(mod) || Modifier.isProtected(mod)
                            || type.isInterface() && !Modifier.isPrivate(mod);
                    if (!visible || e.isSynthetic() || isJUnitMethod(e)) {
                        continue;
                    }
                    methods++;
                    for (Class<?> thrown : e.getExceptionTypes()) {
                        if (InterruptedException.class.isAssignableFrom(thrown)) {
                            offenders.add(type.getName() + "." + e.getName());
                        }
                    }
                }
            }
        }
        System.out.println("interrupt convention: " + methods + " public methods and constructors checked");
        assertTrue(methods > 300, "the scan found only " + methods + " methods: is the class path scan broken?");
        assertTrue(offenders.isEmpty(), "declare no InterruptedException; throw DmaInterruptedException (and keep the"
                + " interrupt status) instead: " + offenders);
    }

    private static boolean isJUnitMethod(Executable e) {
        return Stream.of(e.getAnnotations())
                .anyMatch(a -> a.annotationType().getPackageName().startsWith("org.junit"));
    }

    /** The public top-level and nested types of the anchor's package, from its jar or classes directory. */
    private static List<Class<?>> publicTypesOf(Class<?> anchor) throws IOException, URISyntaxException,
            ClassNotFoundException {
        String pkg = anchor.getPackageName();
        String dir = pkg.replace('.', '/') + "/";
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                        .forEach(n -> names.add(pkg + "." + n.substring(0, n.length() - ".class".length())));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith(dir) && n.endsWith(".class") && n.indexOf('/', dir.length()) < 0)
                        .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        List<Class<?>> types = new ArrayList<>();
        for (String name : names) {
            if (name.endsWith("package-info") || name.endsWith("module-info")) {
                continue;
            }
            Class<?> c = Class.forName(name, false, anchor.getClassLoader());
            boolean visible = Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers());
            Class<?> outer = c.getEnclosingClass();
            while (visible && outer != null) {
                visible = Modifier.isPublic(outer.getModifiers()) || Modifier.isProtected(outer.getModifiers());
                outer = outer.getEnclosingClass();
            }
            if (visible && !c.isAnonymousClass() && !c.isLocalClass()) {
                types.add(c);
            }
        }
        return types;
    }
}
