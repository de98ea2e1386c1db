/**
 * The dmabuf4j contract: the Linux dma-buf buffer-sharing model in Java terms, with no dependency but
 * {@code java.base}.
 *
 * <h2>Object model</h2>
 * <pre>
 *   DmaBufSystem ─ export(ExportInfo{Exporter}) ─► ExportedBuffer (exporter's capability)
 *        │                                              └─ handle() ─► DmaBuf (user's handle, share()/close())
 *        └─ heap("system").allocate(n) ────────────────────────────────► DmaBuf
 *
 *   DmaBuf ─ attach(Device[, Importer]) ─► Attachment ─ map(Direction) ─► Mapping [SgEntry(dmaAddress, length, cpu?)]
 *          ─ beginCpuAccess(Access, Region) ─► CpuAccess (window; close() = end_cpu_access)
 *          ─ reservation() ─► Reservation: ww-mutex + [FenceEntry(Fence, FenceUsage)]
 * </pre>
 *
 * <h2>Locking convention</h2>
 * <p>The buffer's reservation lock protects mappings, pins and fences. As in the kernel (kernel-semantics §1.3):
 * <table>
 *   <caption>Who holds the reservation lock</caption>
 *   <tr><th>must hold it</th><th>must not hold it</th></tr>
 *   <tr><td>{@link org.dmabuf4j.api.Attachment#map}, {@link org.dmabuf4j.api.Attachment#unmap},
 *       {@link org.dmabuf4j.api.Attachment#pin}, {@link org.dmabuf4j.api.Attachment#unpin},
 *       {@link org.dmabuf4j.api.DmaBuf#vmap}, {@link org.dmabuf4j.api.Reservation#addFence},
 *       {@link org.dmabuf4j.api.ExportedBuffer#invalidateMappings}</td>
 *       <td>{@link org.dmabuf4j.api.DmaBufSystem#export}, {@link org.dmabuf4j.api.DmaBuf#attach(Device)},
 *       {@link org.dmabuf4j.api.Attachment#close}, {@link org.dmabuf4j.api.DmaBuf#close},
 *       {@link org.dmabuf4j.api.DmaBuf#beginCpuAccess(Access, Region)}, {@link org.dmabuf4j.api.CpuAccess#close},
 *       the {@code ...Unlocked} variants</td></tr>
 * </table>
 * Exporter callbacks run in the matching state: see {@link org.dmabuf4j.api.Exporter}.
 *
 * <h2>Rules</h2>
 * <p>Every rule has an ID ({@link org.dmabuf4j.api.Rule}); every exception names the rule it enforces
 * ({@link org.dmabuf4j.api.DmaBufException#rule()}). The catalogue is {@code docs/RULES.md}.
 */
package org.dmabuf4j.api;
