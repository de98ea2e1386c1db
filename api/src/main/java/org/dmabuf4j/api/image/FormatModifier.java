package org.dmabuf4j.api.image;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.Tiling;

/**
 * A DRM format modifier: the unsigned 64-bit token of {@code drm_fourcc.h} that says how an image's planes are laid
 * out in memory. The top byte names a vendor, the other 56 bits are the vendor's code:
 *
 * <pre>
 *   63      56 55                                              0
 *   +--------+-------------------------------------------------+
 *   | vendor |                 vendor's code                   |      fourcc_mod_code(vendor, code)
 *   +--------+-------------------------------------------------+
 *   LINEAR  = 0x0000000000000000   rows one after another: the universal baseline, explicit
 *   INVALID = 0x00ffffffffffffff   NOT a layout: "no modifier", the driver's own implicit choice (NEG-2)
 * </pre>
 *
 * <p><b>LINEAR is not INVALID.</b> Zero is an explicit promise of a linear layout; INVALID says the layout is not
 * known to the user. Sets intersect them as different values ({@link Rule#NEG_1 NEG-1}): implicit and linear never
 * meet.
 *
 * <p>Besides LINEAR, this library lays out two modifiers of its simulated vendor ({@link #VENDOR_SIMULATED}, not a
 * registered DRM vendor), so that tiled and compressed sharing can be tested without hardware:
 *
 * <pre>
 *   SIM_TILED      tiles of 128 bytes x 32 rows (4 KiB), stored tile after tile in row-major order, each tile's
 *                  rows contiguous; pitch a multiple of 128 bytes; rows padded to whole tiles; offsets 4 KiB aligned
 *   SIM_TILED_CCS  SIM_TILED colour planes plus one compression-metadata plane per colour plane, after all colour
 *                  planes: one byte per tile (0 = the tile holds its data, 1 = the tile is fast-cleared to zero and
 *                  its data bytes are stale); a reader that ignores the metadata sees stale bytes
 * </pre>
 *
 * Other vendors' modifiers are carried and compared, but their layout is unknown here ({@link #isKnown()}).
 *
 * @param value the 64-bit token, unsigned (negative as a Java long when the vendor byte is 0x80 or more)
 * @see "include/uapi/drm/drm_fourcc.h: fourcc_mod_code, DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID;
 *     Documentation/userspace-api/dma-buf-alloc-exchange.rst"
 */
public record FormatModifier(long value) {
    /** The vendor byte of the modifiers this library simulates: 0xd4, unregistered, so never a real device's. */
    public static final int VENDOR_SIMULATED = 0xd4;

    /** Rows one after another, each {@code pitch} bytes apart: the explicit linear layout (0). */
    public static final FormatModifier LINEAR = new FormatModifier(0L);
    /** Not a layout: "no explicit modifier", the driver chooses implicitly ({@code (1 << 56) - 1}). */
    public static final FormatModifier INVALID = new FormatModifier(0x00ff_ffff_ffff_ffffL);
    /** The simulated vendor's tiled layout: 128-byte x 32-row tiles, row-major. */
    public static final FormatModifier SIM_TILED = of(VENDOR_SIMULATED, 1);
    /** The simulated vendor's compressed layout: SIM_TILED plus one metadata plane per colour plane. */
    public static final FormatModifier SIM_TILED_CCS = of(VENDOR_SIMULATED, 2);

    /** The tile of both simulated modifiers. */
    private static final Tiling.Tiled SIM_TILE = new Tiling.Tiled(128, 32);

    private static final String[] VENDORS = {"NONE", "INTEL", "AMD", "NVIDIA", "SAMSUNG", "QCOM", "VIVANTE",
        "BROADCOM", "ARM", "ALLWINNER", "AMLOGIC"};

    /**
     * A modifier from a vendor byte and a vendor code, as {@code fourcc_mod_code(vendor, code)}.
     *
     * @param vendor the vendor byte; 0 to 255
     * @param code the vendor's code; 0 to {@code 2^56 - 1}
     * @return the modifier
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if either is out of range
     */
    public static FormatModifier of(int vendor, long code) {
        if (vendor < 0 || vendor > 0xff || code < 0 || code > 0x00ff_ffff_ffff_ffffL) {
            throw new RuleViolationException(Rule.FMT_2, "modifier of vendor " + vendor + " and code " + code
                    + ": the vendor is a byte (0..255) and the code 56 bits");
        }
        return new FormatModifier((long) vendor << 56 | code);
    }

    /**
     * Reads a modifier: {@code LINEAR}, {@code INVALID}, {@code SIM_TILED}, {@code SIM_TILED_CCS} (case-insensitive),
     * or an unsigned hex number of up to 16 digits ({@code 0x0100000000000001}, as GStreamer and Wayland print them).
     *
     * @param text the text; not null
     * @return the modifier
     * @throws RuleViolationException ({@link Rule#FMT_2 FMT-2}) if the text is null or neither a name nor a 64-bit hex
     *     number
     */
    public static FormatModifier parse(String text) {
        if (text == null) {
            throw new RuleViolationException(Rule.FMT_2, "FormatModifier.parse(null): pass LINEAR, INVALID, SIM_TILED,"
                    + " SIM_TILED_CCS or a hex token such as 0x0100000000000001");
        }
        String t = text.trim();
        for (FormatModifier m : new FormatModifier[] {LINEAR, INVALID, SIM_TILED, SIM_TILED_CCS}) {
            if (m.name().equalsIgnoreCase(t)) {
                return m;
            }
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            String hex = t.substring(2);
            if (!hex.isEmpty() && hex.length() <= 16 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return new FormatModifier(Long.parseUnsignedLong(hex, 16));
            }
        }
        throw new RuleViolationException(Rule.FMT_2, "'" + text + "' is not a format modifier: pass LINEAR, INVALID,"
                + " SIM_TILED, SIM_TILED_CCS or an unsigned 64-bit hex token such as 0x0100000000000001 (note that"
                + " 0x0 is LINEAR, not \"no modifier\": that is INVALID)");
    }

    /**
     * The vendor byte.
     *
     * @return bits 63..56, 0 to 255
     */
    public int vendor() {
        return (int) (value >>> 56);
    }

    /**
     * The vendor's code.
     *
     * @return bits 55..0
     */
    public long code() {
        return value & 0x00ff_ffff_ffff_ffffL;
    }

    /**
     * The vendor's name in {@code drm_fourcc.h} ({@code DRM_FORMAT_MOD_VENDOR_*}), {@code SIMULATED} for
     * {@link #VENDOR_SIMULATED}, else the byte in hex.
     *
     * @return for example {@code INTEL}, {@code SIMULATED}, {@code 0x42}
     */
    public String vendorName() {
        int v = vendor();
        if (v < VENDORS.length) {
            return VENDORS[v];
        }
        return v == VENDOR_SIMULATED ? "SIMULATED" : String.format(Locale.ROOT, "0x%02x", v);
    }

    /**
     * Whether this is the explicit linear layout (0).
     *
     * @return true for {@link #LINEAR}
     */
    public boolean isLinear() {
        return value == 0L;
    }

    /**
     * Whether this is INVALID: no explicit layout, the driver's implicit choice.
     *
     * @return true for {@link #INVALID}
     */
    public boolean isImplicit() {
        return value == INVALID.value;
    }

    /**
     * Whether this library knows the layout: LINEAR and the simulated modifiers (INVALID is not a layout).
     *
     * @return true for LINEAR, SIM_TILED and SIM_TILED_CCS
     */
    public boolean isKnown() {
        return isLinear() || value == SIM_TILED.value || value == SIM_TILED_CCS.value;
    }

    /**
     * How a known modifier arranges each colour plane.
     *
     * @return {@link Tiling#LINEAR} for LINEAR, 128 x 32 tiles for the simulated modifiers, empty otherwise
     */
    public Optional<Tiling> tiling() {
        if (isLinear()) {
            return Optional.of(Tiling.LINEAR);
        }
        return value == SIM_TILED.value || value == SIM_TILED_CCS.value ? Optional.of(SIM_TILE) : Optional.empty();
    }

    /**
     * Whether the modifier adds a compression-metadata plane per colour plane.
     *
     * @return true for SIM_TILED_CCS
     */
    public boolean hasMetadataPlanes() {
        return value == SIM_TILED_CCS.value;
    }

    /**
     * The number of memory planes an image of {@code format} has with this modifier: the format's colour planes plus
     * the planes the modifier adds ({@link Rule#FMT_2 FMT-2}). INVALID adds none (implicit layouts describe their
     * colour planes only).
     *
     * @param format a catalogue format; not null
     * @return the count, or empty for a modifier whose layout is unknown
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is null or not in the catalogue
     */
    public OptionalInt memoryPlanes(DrmFormat format) {
        if (format == null) {
            throw new RuleViolationException(Rule.FMT_1, "memoryPlanes(null) of modifier " + this);
        }
        int colour = format.planeCount();
        if (isImplicit() || isLinear() || value == SIM_TILED.value) {
            return OptionalInt.of(colour);
        }
        return hasMetadataPlanes() ? OptionalInt.of(2 * colour) : OptionalInt.empty();
    }

    /**
     * The name of a modifier this library knows, or else the token in hex.
     *
     * @return {@code LINEAR}, {@code INVALID}, {@code SIM_TILED}, {@code SIM_TILED_CCS} or {@code 0x...}
     */
    public String name() {
        if (isLinear()) {
            return "LINEAR";
        }
        if (isImplicit()) {
            return "INVALID";
        }
        if (value == SIM_TILED.value) {
            return "SIM_TILED";
        }
        return value == SIM_TILED_CCS.value ? "SIM_TILED_CCS" : hex();
    }

    /**
     * The token as 16 hex digits, as GStreamer's {@code drm-format} and {@code WAYLAND_DEBUG} print it.
     *
     * @return for example {@code 0x0100000000000001}
     */
    public String hex() {
        return String.format(Locale.ROOT, "0x%016x", value);
    }

    @Override
    public String toString() {
        return name();
    }
}
