package org.dmabuf4j.api.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * A DRM pixel format: the 32-bit fourcc code of {@code drm_fourcc.h}, which says which colour channels a pixel has
 * and how its samples are spread over colour planes. How those planes are laid out in memory (linear, tiled,
 * compressed) is the {@link FormatModifier}'s business, not the format's.
 *
 * <p>Any fourcc can be held and printed; the formats of the {@linkplain #catalogue() catalogue} also know their colour
 * planes ({@link #planes()}), which an {@link ImageDescriptor} needs ({@link Rule#FMT_1 FMT-1}):
 *
 * <table>
 *   <caption>The catalogue</caption>
 *   <tr><th>name</th><th>fourcc</th><th>planes: bytes per sample (subsampling)</th></tr>
 *   <tr><td>XRGB8888, ARGB8888, XBGR8888, ABGR8888, XRGB2101010</td><td>XR24, AR24, XB24, AB24, XR30</td>
 *       <td>4 (1x1)</td></tr>
 *   <tr><td>RGB565</td><td>RG16</td><td>2 (1x1)</td></tr>
 *   <tr><td>NV12, NV21 (4:2:0 semi-planar)</td><td>NV12, NV21</td><td>Y 1 (1x1), UV 2 (2x2)</td></tr>
 *   <tr><td>NV16 (4:2:2 semi-planar)</td><td>NV16</td><td>Y 1 (1x1), UV 2 (2x1)</td></tr>
 *   <tr><td>P010 (4:2:0, 10 bits in 16)</td><td>P010</td><td>Y 2 (1x1), UV 4 (2x2)</td></tr>
 *   <tr><td>YUV420, YVU420 (4:2:0 planar)</td><td>YU12, YV12</td><td>Y 1 (1x1), U 1 (2x2), V 1 (2x2)</td></tr>
 *   <tr><td>YUYV, UYVY (4:2:2 packed)</td><td>YUYV, UYVY</td><td>4 (2x1): two pixels per sample</td></tr>
 * </table>
 *
 * <p>Printed as its name ({@code NV12}, {@code XRGB8888}); {@link #parse} reads a name, the four characters of the
 * code ({@code XR24}) or the code in hex ({@code 0x3231564e}).
 *
 * @param fourcc the code: four ASCII characters, the first in the lowest byte ({@code fourcc_code(a, b, c, d)})
 * @see "include/uapi/drm/drm_fourcc.h; drivers/gpu/drm/drm_fourcc.c: drm_format_info"
 */
public record DrmFormat(int fourcc) {
    private record Info(String name, String description, boolean yuv, List<FormatPlane> planes) {
    }

    private static final Map<Integer, Info> CATALOGUE = new LinkedHashMap<>();
    private static final List<DrmFormat> KNOWN = new ArrayList<>();

    /** {@code [31:0] x:R:G:B 8:8:8:8} little endian; fourcc {@code XR24}. */
    public static final DrmFormat XRGB8888 = define('X', 'R', '2', '4', "XRGB8888", "[31:0] x:R:G:B 8:8:8:8", false,
            plane(4, 1, 1));
    /** {@code [31:0] A:R:G:B 8:8:8:8} little endian; fourcc {@code AR24}. */
    public static final DrmFormat ARGB8888 = define('A', 'R', '2', '4', "ARGB8888", "[31:0] A:R:G:B 8:8:8:8", false,
            plane(4, 1, 1));
    /** {@code [31:0] x:B:G:R 8:8:8:8} little endian; fourcc {@code XB24}. */
    public static final DrmFormat XBGR8888 = define('X', 'B', '2', '4', "XBGR8888", "[31:0] x:B:G:R 8:8:8:8", false,
            plane(4, 1, 1));
    /** {@code [31:0] A:B:G:R 8:8:8:8} little endian; fourcc {@code AB24}. */
    public static final DrmFormat ABGR8888 = define('A', 'B', '2', '4', "ABGR8888", "[31:0] A:B:G:R 8:8:8:8", false,
            plane(4, 1, 1));
    /** {@code [15:0] R:G:B 5:6:5} little endian; fourcc {@code RG16}. */
    public static final DrmFormat RGB565 = define('R', 'G', '1', '6', "RGB565", "[15:0] R:G:B 5:6:5", false,
            plane(2, 1, 1));
    /** {@code [31:0] x:R:G:B 2:10:10:10} little endian; fourcc {@code XR30}. */
    public static final DrmFormat XRGB2101010 = define('X', 'R', '3', '0', "XRGB2101010", "[31:0] x:R:G:B 2:10:10:10",
            false, plane(4, 1, 1));
    /** 4:2:0 semi-planar: a Y plane and an interleaved {@code U:V} plane at half resolution; fourcc {@code NV12}. */
    public static final DrmFormat NV12 = define('N', 'V', '1', '2', "NV12", "Y, [15:0] Cr:Cb 8:8 2x2 subsampled",
            true, plane(1, 1, 1), plane(2, 2, 2));
    /** As NV12 with {@code V:U} order; fourcc {@code NV21}. */
    public static final DrmFormat NV21 = define('N', 'V', '2', '1', "NV21", "Y, [15:0] Cb:Cr 8:8 2x2 subsampled",
            true, plane(1, 1, 1), plane(2, 2, 2));
    /** 4:2:2 semi-planar: chroma at half horizontal resolution; fourcc {@code NV16}. */
    public static final DrmFormat NV16 = define('N', 'V', '1', '6', "NV16", "Y, [15:0] Cr:Cb 8:8 2x1 subsampled",
            true, plane(1, 1, 1), plane(2, 2, 1));
    /** 4:2:0 semi-planar, 10 bits per channel in the high bits of 16; fourcc {@code P010}. */
    public static final DrmFormat P010 = define('P', '0', '1', '0', "P010", "Y 10:6, [31:0] Cr:x:Cb:x 10:6:10:6 2x2",
            true, plane(2, 1, 1), plane(4, 2, 2));
    /** 4:2:0 planar: Y, then U, then V at half resolution; fourcc {@code YU12}. */
    public static final DrmFormat YUV420 = define('Y', 'U', '1', '2', "YUV420", "Y, Cb 2x2, Cr 2x2", true,
            plane(1, 1, 1), plane(1, 2, 2), plane(1, 2, 2));
    /** 4:2:0 planar: Y, then V, then U; fourcc {@code YV12}. */
    public static final DrmFormat YVU420 = define('Y', 'V', '1', '2', "YVU420", "Y, Cr 2x2, Cb 2x2", true,
            plane(1, 1, 1), plane(1, 2, 2), plane(1, 2, 2));
    /** 4:2:2 packed: {@code [31:0] Cr0:Y1:Cb0:Y0}, two pixels per 4 bytes; fourcc {@code YUYV}. */
    public static final DrmFormat YUYV = define('Y', 'U', 'Y', 'V', "YUYV", "[31:0] Cr0:Y1:Cb0:Y0 8:8:8:8", true,
            plane(4, 2, 1));
    /** 4:2:2 packed: {@code [31:0] Y1:Cr0:Y0:Cb0}, two pixels per 4 bytes; fourcc {@code UYVY}. */
    public static final DrmFormat UYVY = define('U', 'Y', 'V', 'Y', "UYVY", "[31:0] Y1:Cr0:Y0:Cb0 8:8:8:8", true,
            plane(4, 2, 1));

    private static FormatPlane plane(int bytesPerSample, int hsub, int vsub) {
        return new FormatPlane(bytesPerSample, hsub, vsub);
    }

    private static DrmFormat define(char a, char b, char c, char d, String name, String description, boolean yuv,
            FormatPlane... planes) {
        DrmFormat f = new DrmFormat(code(a, b, c, d));
        CATALOGUE.put(f.fourcc, new Info(name, description, yuv, List.of(planes)));
        KNOWN.add(f);
        return f;
    }

    /**
     * The code of four characters, as {@code fourcc_code(a, b, c, d)}.
     *
     * @param a the first character (lowest byte); ASCII
     * @param b the second character; ASCII
     * @param c the third character; ASCII
     * @param d the fourth character (highest byte); ASCII
     * @return the code
     */
    private static int code(char a, char b, char c, char d) {
        return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xff) << 24;
    }

    /**
     * The formats whose planes this library knows, in the order of the table above.
     *
     * @return an immutable list of 14 formats
     */
    public static List<DrmFormat> catalogue() {
        return Collections.unmodifiableList(KNOWN);
    }

    /**
     * Reads a format: a catalogue name ({@code NV12}, {@code XRGB8888}, case-insensitive), the four characters of a
     * code ({@code XR24}, case-sensitive, as codes are) or a code in hex ({@code 0x3231564e}).
     *
     * @param text the text; not null
     * @return the format; unknown codes are allowed (see {@link #isKnown()})
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the text is null, or neither a name, four printable
     *     ASCII characters nor a 32-bit hex number
     */
    public static DrmFormat parse(String text) {
        if (text == null) {
            throw new RuleViolationException(Rule.FMT_1, "DrmFormat.parse(null): pass a name such as NV12, a fourcc"
                    + " such as XR24 or a hex code such as 0x3231564e");
        }
        String t = text.trim();
        for (DrmFormat f : KNOWN) {
            if (f.name().equalsIgnoreCase(t)) {
                return f;
            }
        }
        if (t.length() == 4 && t.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            return new DrmFormat(code(t.charAt(0), t.charAt(1), t.charAt(2), t.charAt(3)));
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            String hex = t.substring(2);
            if (!hex.isEmpty() && hex.length() <= 8 && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                return new DrmFormat(Integer.parseUnsignedInt(hex, 16));
            }
        }
        throw new RuleViolationException(Rule.FMT_1, "'" + text + "' is not a DRM format: pass a name of "
                + namesOfCatalogue() + ", four ASCII characters of a fourcc (XR24) or a 32-bit hex code (0x3231564e)");
    }

    /**
     * The names of the catalogue, for messages.
     *
     * @return for example {@code [XRGB8888, ..., UYVY]}
     */
    static String namesOfCatalogue() {
        List<String> names = new ArrayList<>();
        for (DrmFormat f : KNOWN) {
            names.add(f.name());
        }
        return names.toString();
    }

    /**
     * Whether the format is in the catalogue, so that its planes are known.
     *
     * @return true for the formats of {@link #catalogue()}
     */
    public boolean isKnown() {
        return CATALOGUE.containsKey(fourcc);
    }

    /**
     * The format's name: the catalogue name, or else the four characters of the code if printable, or else the code
     * in hex.
     *
     * @return for example {@code NV12}, {@code XRGB8888}, {@code AB48}, {@code 0x00000001}
     */
    public String name() {
        Info i = CATALOGUE.get(fourcc);
        if (i != null) {
            return i.name;
        }
        String chars = fourccString();
        return chars.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f) ? chars : hex();
    }

    /**
     * The four characters of the code, lowest byte first, as GStreamer's {@code drm-format} and Wayland debug output
     * print them.
     *
     * @return for example {@code XR24} for XRGB8888
     */
    public String fourccString() {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) ((fourcc >>> (8 * i)) & 0xff);
        }
        return new String(c);
    }

    /**
     * The code in hex.
     *
     * @return for example {@code 0x3231564e} for NV12
     */
    public String hex() {
        return String.format(Locale.ROOT, "0x%08x", fourcc);
    }

    /**
     * The colour planes of a catalogue format, in plane order.
     *
     * @return an immutable list of 1 to 3 planes
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is not in the catalogue
     */
    public List<FormatPlane> planes() {
        return info().planes;
    }

    /**
     * The number of colour planes.
     *
     * @return {@code planes().size()}
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is not in the catalogue
     */
    public int planeCount() {
        return info().planes.size();
    }

    /**
     * One colour plane.
     *
     * @param index 0 to {@link #planeCount()} - 1
     * @return the plane
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is unknown or the index out of range
     */
    public FormatPlane plane(int index) {
        List<FormatPlane> p = info().planes;
        if (index < 0 || index >= p.size()) {
            throw new RuleViolationException(Rule.FMT_1, "plane " + index + " of " + name() + ", which has "
                    + p.size() + " colour plane(s)");
        }
        return p.get(index);
    }

    /**
     * Whether the format carries luma and chroma (YUV) rather than RGB.
     *
     * @return true for the YUV formats
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is not in the catalogue
     */
    public boolean isYuv() {
        return info().yuv;
    }

    /**
     * The channel layout in {@code drm_fourcc.h}'s notation.
     *
     * @return for example {@code [31:0] x:R:G:B 8:8:8:8}
     * @throws RuleViolationException ({@link Rule#FMT_1 FMT-1}) if the format is not in the catalogue
     */
    public String description() {
        return info().description;
    }

    private Info info() {
        Info i = CATALOGUE.get(fourcc);
        if (i == null) {
            throw new RuleViolationException(Rule.FMT_1, "format " + name() + " (" + hex() + ") is not in dmabuf4j's"
                    + " catalogue, so its planes are unknown; use one of " + namesOfCatalogue());
        }
        return i;
    }

    @Override
    public String toString() {
        return name();
    }
}
