package org.dmabuf4j.ipc.linux;

import java.util.Locale;

/**
 * The two architectures the bindings know, with what differs between them: system-call numbers for the calls made
 * through {@code syscall(2)} and the kernel's {@code struct stat}. Everything else the bindings use (socket, fcntl,
 * mmap, poll and eventfd constants, the LP64 layouts of msghdr, cmsghdr, iovec, ucred, pollfd and sockaddr_un, the
 * ioctl numbers) is the same on both.
 *
 * <pre>
 *   struct stat        x86-64 (arch/x86)     aarch64 (asm-generic)
 *   st_mode            offset 24, u32        offset 16, u32
 *   st_size            offset 48, s64        offset 48, s64
 *   sizeof             144                   128
 * </pre>
 *
 * @see "arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h, asm/stat.h"
 */
public enum Arch {
    /** x86-64. */
    X86_64(202, 434, 319, 5, 24, 144),
    /** 64-bit ARM. */
    AARCH64(98, 434, 279, 80, 16, 128);

    /** futex(2). */
    public final long sysFutex;
    /** pidfd_open(2). */
    public final long sysPidfdOpen;
    /** memfd_create(2), for a libc without the wrapper. */
    public final long sysMemfdCreate;
    /** fstat(2), for a libc without the fstat symbol (before glibc 2.33). */
    public final long sysFstat;
    /** Offset of st_mode in struct stat. */
    public final long statModeOffset;
    /** Size of struct stat. */
    public final long statSize;
    /** Offset of st_size in struct stat (the same on both). */
    public final long statSizeOffset = 48;

    Arch(long futex, long pidfdOpen, long memfdCreate, long fstat, long modeOffset, long statSize) {
        this.sysFutex = futex;
        this.sysPidfdOpen = pidfdOpen;
        this.sysMemfdCreate = memfdCreate;
        this.sysFstat = fstat;
        this.statModeOffset = modeOffset;
        this.statSize = statSize;
    }

    private static final Arch CURRENT = detect();

    private static Arch detect() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    /**
     * The architecture this JVM runs on.
     *
     * @return the architecture
     * @throws UnsupportedOperationException on another OS or architecture, naming both
     */
    public static Arch current() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException("dmabuf4j-ipc runs on Linux x86-64 and aarch64 only; this JVM is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        return CURRENT;
    }

    /**
     * Whether the bindings can run here.
     *
     * @return true on Linux x86-64 and aarch64
     */
    public static boolean supported() {
        return CURRENT != null;
    }
}
