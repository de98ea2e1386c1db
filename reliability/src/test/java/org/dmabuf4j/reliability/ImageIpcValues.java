package org.dmabuf4j.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.DmaHeap;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatModifierPair;
import org.dmabuf4j.api.image.FormatSet;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageDescriptor;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.LayoutConstraints;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.api.image.Tranche;
import org.dmabuf4j.core.DmaBufs;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.ipc.FormatFeedback;
import org.dmabuf4j.ipc.MemfdHeap;
import org.dmabuf4j.ipc.OwnedFd;
import org.dmabuf4j.ipc.SharedTimeline;
import org.dmabuf4j.ipc.UnixAddress;
import org.dmabuf4j.reliability.Values.Bad;
import org.dmabuf4j.reliability.Values.Kind;

/**
 * The argument generators of the bad-input sweep for the image api and the ipc module: good values and bad values
 * (beyond null, which {@link Values#bad} adds for every reference type) of image formats, modifiers, descriptors,
 * planes, requests, targets, tranches, and of memfd heaps, descriptors, socket addresses and format feedback.
 */
final class ImageIpcValues {
    private ImageIpcValues() {
    }

    /** A fourcc outside the catalogue ('ZZZZ'). */
    static final DrmFormat UNKNOWN_FORMAT = new DrmFormat(0x5a5a5a5a);
    /** A modifier of a vendor nobody knows (0x7e) with code 1. */
    static final FormatModifier UNKNOWN_MODIFIER = new FormatModifier(0x7e00_0000_0000_0001L);

    /**
     * A good value for a parameter of an image or ipc type.
     *
     * @param p the parameter
     * @param w the world
     * @return the value, or {@link Values#NO_VALUE} if the type is not one of these
     */
    static Object good(Parameter p, World w) {
        Class<?> t = p.getType();
        String owner = p.getDeclaringExecutable().getDeclaringClass().getSimpleName();
        if (t == DmaBuf.class && wantsMemfd(p)) {
            return w.track(w.memfd().allocate(4096));
        }
        if (t == Image.class && wantsMemfd(p)) {
            return w.track(w.sys.images().allocate(ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                    FormatModifier.LINEAR), w.memfd()));
        }
        if (t == java.util.concurrent.CompletableFuture.class) {
            return new java.util.concurrent.CompletableFuture<>();
        }
        if (t == DrmFormat.class) {
            return DrmFormat.XRGB8888;
        }
        if (t == FormatModifier[].class) {
            return new FormatModifier[] {FormatModifier.LINEAR};
        }
        if (t == FormatModifierPair.class) {
            return new FormatModifierPair(DrmFormat.XRGB8888, FormatModifier.LINEAR);
        }
        if (t == FormatModifierPair[].class) {
            return new FormatModifierPair[] {new FormatModifierPair(DrmFormat.XRGB8888, FormatModifier.LINEAR)};
        }
        if (t == ImageRequest.class) {
            return ImageRequest.of(DrmFormat.XRGB8888, 64, 64, FormatModifier.LINEAR);
        }
        if (t == ImageDescriptor.class) {
            return World.linearDescriptor();
        }
        if (t == ImageDescriptor.Plane.class) {
            return new ImageDescriptor.Plane(0, 0, 256);
        }
        if (t == ImageTarget.class) {
            return new ImageTarget(w.dev2, ImageUsage.SAMPLE);
        }
        if (t == ImageTarget[].class) {
            return new ImageTarget[] {new ImageTarget(w.dev2, ImageUsage.SAMPLE)};
        }
        if (t == Tranche.class) {
            return w.dev2.tranche(ImageUsage.SAMPLE);
        }
        if (t == Tranche[].class) {
            return new Tranche[] {w.dev2.tranche(ImageUsage.SAMPLE)};
        }
        if (t == NegotiationRequest.class) {
            return NegotiationRequest.of(DrmFormat.XRGB8888, 64, 64, w.dev.tranche(ImageUsage.RENDER),
                    w.dev2.tranche(ImageUsage.SAMPLE));
        }
        if (t == Device[].class) {
            return new Device[] {w.dev2};
        }
        if (t == Image.class) {
            return w.image(FormatModifier.LINEAR);
        }
        if (t == DmaHeap.class) {
            return w.sys.systemHeap();
        }
        if (t == DmaBufSystem.class) {
            return w.sys;
        }
        if (t == MemfdHeap.class) {
            return w.memfd();
        }
        if (t == OwnedFd.class) {
            // SharedTimeline.open wants a timeline's descriptor; everything else a memfd buffer's
            return owner.equals("SharedTimeline") ? w.track(w.sharedTimeline().exportFd()) : w.ownedFd();
        }
        if (t == UnixAddress.class) {
            return w.address();
        }
        if (t == Path.class) {
            return Path.of(System.getProperty("java.io.tmpdir"), "dmabuf4j-sweep-" + ProcessHandle.current().pid()
                    + ".sock");
        }
        if (t == FormatFeedback.class) {
            return FormatFeedback.of(w.dev2.tranche(ImageUsage.SAMPLE));
        }
        if (t == FormatFeedback.Tranche.class) {
            return new FormatFeedback.Tranche("dev2", ImageUsage.SAMPLE, FormatSet.EMPTY);
        }
        if (t == Optional.class && Values.element(p) == BufferLayout.class) {
            return Optional.empty();
        }
        if (List.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)) {
            Class<?> e = Values.element(p);
            if (e == DrmFormat.class) {
                return List.of(DrmFormat.XRGB8888);
            }
            if (e == FormatModifier.class) {
                return List.of(FormatModifier.LINEAR);
            }
            if (e == ImageTarget.class) {
                return List.of(new ImageTarget(w.dev2, ImageUsage.SAMPLE));
            }
            if (e == Tranche.class) {
                return List.of(w.dev2.tranche(ImageUsage.SAMPLE));
            }
            if (e == Device.class) {
                return List.of(w.dev2);
            }
            if (e == ImageDescriptor.Plane.class) {
                return List.of(new ImageDescriptor.Plane(0, 0, 256));
            }
            if (e == DmaBuf.class) {
                return List.of(w.buf);
            }
            if (e == Long.class) {
                return List.of(w.buf.size());
            }
            if (e == FormatFeedback.Tranche.class) {
                return List.of(new FormatFeedback.Tranche("dev2", ImageUsage.SAMPLE, FormatSet.EMPTY));
            }
        }
        return Values.NO_VALUE;
    }

    /**
     * Whether a buffer or image parameter must be backed by the memfd heap (what crosses a channel or a kernel
     * device): its good value is a memfd buffer and a system-heap buffer is a bad one.
     *
     * @param p the parameter
     * @return whether
     */
    static boolean wantsMemfd(Parameter p) {
        String owner = p.getDeclaringExecutable().getDeclaringClass().getSimpleName();
        return p.getDeclaringExecutable().getDeclaringClass().getPackageName().equals("org.dmabuf4j.ipc")
                && (owner.equals("BufferChannel") || owner.equals("KernelDevices") || owner.equals("MemfdHeap"));
    }

    /**
     * The bad values (besides null) of a parameter of an image or ipc type.
     *
     * @param p the parameter
     * @param w the world
     * @return the values, or null if the type is not one of these
     */
    static List<Bad> bad(Parameter p, World w) {
        Class<?> t = p.getType();
        List<Bad> out = new ArrayList<>();
        if (t == DrmFormat.class) {
            out.add(new Bad("unknown fourcc", UNKNOWN_FORMAT, Kind.INVALID));
            out.add(new Bad("fourcc 0", new DrmFormat(0), Kind.INVALID));
        } else if (t == FormatModifier.class) {
            out.add(new Bad("unknown vendor", UNKNOWN_MODIFIER, Kind.INVALID));
            out.add(new Bad("INVALID", FormatModifier.INVALID, Kind.BOUNDARY));
        } else if (t == FormatModifier[].class) {
            out.add(new Bad("{null}", new FormatModifier[] {null}, Kind.INVALID));
            out.add(new Bad("empty", new FormatModifier[0], Kind.INVALID));
            out.add(new Bad("{unknown vendor}", new FormatModifier[] {UNKNOWN_MODIFIER}, Kind.INVALID));
        } else if (t == FormatModifierPair[].class) {
            out.add(new Bad("{null}", new FormatModifierPair[] {null}, Kind.INVALID));
        } else if (t == ImageTarget.class) {
            out.add(new Bad("other system's device", new ImageTarget(w.otherDev, ImageUsage.SAMPLE), Kind.INVALID));
            out.add(new Bad("closed device", new ImageTarget(w.closedDev, ImageUsage.SAMPLE), Kind.INVALID));
        } else if (t == ImageTarget[].class) {
            out.add(new Bad("{null}", new ImageTarget[] {null}, Kind.INVALID));
            out.add(new Bad("{other system's device}", new ImageTarget[] {
                new ImageTarget(w.otherDev, ImageUsage.SAMPLE)}, Kind.INVALID));
        } else if (t == Tranche.class) {
            out.add(new Bad("other system's device", w.otherDev.tranche(ImageUsage.SAMPLE), Kind.INVALID));
            out.add(new Bad("closed device", w.closedDev.tranche(ImageUsage.SAMPLE), Kind.INVALID));
        } else if (t == Tranche[].class) {
            out.add(new Bad("{null}", new Tranche[] {null}, Kind.INVALID));
            out.add(new Bad("{other system's device}", new Tranche[] {w.otherDev.tranche(ImageUsage.SAMPLE)},
                    Kind.INVALID));
        } else if (t == NegotiationRequest.class) {
            out.add(new Bad("other system's producer", NegotiationRequest.of(DrmFormat.XRGB8888, 64, 64,
                    w.otherDev.tranche(ImageUsage.RENDER), w.dev2.tranche(ImageUsage.SAMPLE)), Kind.INVALID));
            out.add(new Bad("closed consumer", NegotiationRequest.of(DrmFormat.XRGB8888, 64, 64,
                    w.dev.tranche(ImageUsage.RENDER), w.closedDev.tranche(ImageUsage.SAMPLE)), Kind.INVALID));
        } else if (t == ImageRequest.class) {
            out.add(new Bad("other system's target", ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                    FormatModifier.LINEAR).withTargets(new ImageTarget(w.otherDev, ImageUsage.SAMPLE)),
                    Kind.INVALID));
            out.add(new Bad("closed device's target", ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                    FormatModifier.LINEAR).withTargets(new ImageTarget(w.closedDev, ImageUsage.SAMPLE)),
                    Kind.INVALID));
            out.add(new Bad("unknown modifier only", ImageRequest.of(DrmFormat.XRGB8888, 64, 64,
                    UNKNOWN_MODIFIER), Kind.INVALID));
        } else if (t == ImageDescriptor.class) {
            out.add(new Bad("larger than the buffers", ImageDescriptor.builder(DrmFormat.XRGB8888, 4096, 4096)
                    .plane(0, 0, 0, 16384, FormatModifier.LINEAR).build(), Kind.INVALID));
        } else if (t == Device[].class) {
            out.add(new Bad("{null}", new Device[] {null}, Kind.INVALID));
            out.add(new Bad("{other system's device}", new Device[] {w.otherDev}, Kind.INVALID));
            out.add(new Bad("{closed device}", new Device[] {w.closedDev}, Kind.INVALID));
        } else if (t == Image.class) {
            out.add(new Bad("closed image", w.closedImage(), Kind.INVALID));
            out.add(new Bad("other system's image", w.otherImage(), Kind.INVALID));
        } else if (t == DmaHeap.class) {
            out.add(new Bad("other system's heap", w.other.systemHeap(), Kind.INVALID));
            SimulatedSystem closed = DmaBufs.newSystem();
            DmaHeap h = closed.systemHeap();
            closed.close();
            out.add(new Bad("closed system's heap", h, Kind.INVALID));
        } else if (t == DmaBufSystem.class) {
            SimulatedSystem closed = DmaBufs.newSystem();
            closed.close();
            out.add(new Bad("closed system", closed, Kind.INVALID));
        } else if (t == MemfdHeap.class) {
            out.add(new Bad("other system's heap", MemfdHeap.of(w.other), Kind.INVALID));
        } else if (t == OwnedFd.class) {
            out.add(new Bad("closed descriptor", w.closedFd(), Kind.INVALID));
            // a buffer's memfd where a timeline's is wanted, and a timeline's where a buffer's is
            boolean wantsTimeline = p.getDeclaringExecutable().getDeclaringClass() == SharedTimeline.class;
            out.add(new Bad("wrong kind of descriptor", wantsTimeline ? w.ownedFd()
                    : w.track(w.track(SharedTimeline.create(w.sys, "wrong-kind")).exportFd()), Kind.INVALID));
        } else if (t == Path.class) {
            out.add(new Bad("too long", Path.of("/tmp", "x".repeat(120)), Kind.INVALID));
            out.add(new Bad("in a missing directory", Path.of("/nonexistent-dmabuf4j-sweep/s.sock"), Kind.INVALID));
        } else if (t == Optional.class && Values.element(p) == BufferLayout.class && wantsMemfd(p)) {
            out.add(new Bad("layout larger than the size", Optional.of(BufferLayout.linear(1024, 1024, 4)),
                    Kind.INVALID));
            out.add(new Bad("tiled layout", Optional.of(BufferLayout.tiled(64, 64, 4,
                    new org.dmabuf4j.api.Tiling.Tiled(16, 4))), Kind.INVALID));
        } else if (List.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)) {
            Class<?> e = Values.element(p);
            if (e == DrmFormat.class) {
                out.add(new Bad("[unknown fourcc]", List.of(UNKNOWN_FORMAT), Kind.INVALID));
            } else if (e == FormatModifier.class) {
                out.add(new Bad("empty", List.of(), Kind.INVALID));
                out.add(new Bad("[unknown vendor]", List.of(UNKNOWN_MODIFIER), Kind.INVALID));
            } else if (e == ImageTarget.class) {
                out.add(new Bad("[other system's device]", List.of(new ImageTarget(w.otherDev, ImageUsage.SAMPLE)),
                        Kind.INVALID));
                out.add(new Bad("[closed device]", List.of(new ImageTarget(w.closedDev, ImageUsage.SAMPLE)),
                        Kind.INVALID));
            } else if (e == Tranche.class) {
                out.add(new Bad("[other system's device]", List.of(w.otherDev.tranche(ImageUsage.SAMPLE)),
                        Kind.INVALID));
                out.add(new Bad("empty", List.of(), Kind.INVALID));
            } else if (e == Device.class) {
                out.add(new Bad("[other system's device]", List.of(w.otherDev), Kind.INVALID));
                out.add(new Bad("[closed device]", List.of(w.closedDev), Kind.INVALID));
            } else if (e == ImageDescriptor.Plane.class) {
                out.add(new Bad("zero planes", List.of(), Kind.INVALID));
                out.add(new Bad("5 planes", java.util.Collections.nCopies(5, new ImageDescriptor.Plane(0, 0, 256)),
                        Kind.INVALID));
                out.add(new Bad("2 planes for a 1-plane format", List.of(new ImageDescriptor.Plane(0, 0, 256),
                        new ImageDescriptor.Plane(0, 16384, 256)), Kind.INVALID));
            } else if (e == DmaBuf.class) {
                out.add(new Bad("empty", List.of(), Kind.INVALID));
                out.add(new Bad("[closed handle]", List.of(w.closedHandle), Kind.INVALID));
                out.add(new Bad("[other system's buffer]", List.of(w.otherBuf), Kind.INVALID));
                out.add(new Bad("[too small buffer]", List.of(w.lone()), Kind.INVALID));
                out.add(new Bad("two buffers for one", List.of(w.buf, w.buf), Kind.INVALID));
            } else if (e == Long.class) {
                out.add(new Bad("empty", List.of(), Kind.INVALID));
                out.add(new Bad("[-1]", List.of(-1L), Kind.INVALID));
                out.add(new Bad("[0]", List.of(0L), Kind.INVALID));
            } else if (e == FormatFeedback.Tranche.class) {
                out.add(new Bad("33 tranches", java.util.Collections.nCopies(33,
                        new FormatFeedback.Tranche("dev2", ImageUsage.SAMPLE, FormatSet.EMPTY)), Kind.INVALID));
            } else {
                return null;
            }
        } else if (t == FormatModifierPair.class || t == LayoutConstraints.class || t == FormatSet.class
                || t == ImageUsage.class || t == UnixAddress.class || t == FormatFeedback.class
                || t == FormatFeedback.Tranche.class || t == ImageDescriptor.Plane.class) {
            // null is their only bad value: the records validate themselves (their constructors are swept)
        } else {
            return null;
        }
        return out;
    }

    private static final MethodHandle MEMFD_CREATE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memfd_create").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /**
     * A fresh raw close-on-exec descriptor (a memfd) that nothing owns: the good value of {@code OwnedFd.adopt}.
     *
     * @return the number
     */
    static int rawFd() {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) MEMFD_CREATE.invokeExact(a.allocateFrom("sweep-raw"), 1 /* MFD_CLOEXEC */);
            if (fd < 0) {
                throw new IllegalStateException("memfd_create failed");
            }
            return fd;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static final MethodHandle CLOSE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /**
     * A raw descriptor for {@code OwnedFd.adopt}, closed with the world unless an owner took it (then the owner
     * closes it: closing the number again could close a descriptor that reused it).
     *
     * @param w the world
     * @return the number
     */
    static int adoptable(World w) {
        int fd = rawFd();
        w.track(() -> {
            boolean owned = org.dmabuf4j.ipc.FdReport.current().entries().stream()
                    .anyMatch(e -> e.fd() == fd && e.owner().isPresent());
            if (!owned) {
                try {
                    int rc = (int) CLOSE.invokeExact(fd);
                    assert rc == 0;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return fd;
    }
}
