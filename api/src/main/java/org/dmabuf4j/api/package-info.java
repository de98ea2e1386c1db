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
 * <p>The buffer's reservation lock protects mappings, pins and fences. As in the kernel (the locking convention of
 * {@code drivers/dma-buf/dma-buf.c}):
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
 * <h2>Waiting, failures and interrupts</h2>
 * <p>Every blocking call follows one convention:
 * <ul>
 *   <li><b>A failed fence fails the wait</b> ({@link Rule#FENCE_13 FENCE-13}). {@link org.dmabuf4j.api.Fence#await()},
 *       {@link org.dmabuf4j.api.Fence#await(java.time.Duration)},
 *       {@link org.dmabuf4j.api.Fence#awaitUninterruptibly()},
 *       {@link org.dmabuf4j.api.SyncFile#await(java.time.Duration)},
 *       {@link org.dmabuf4j.api.Reservation#await(FenceUsage, java.time.Duration)},
 *       {@link org.dmabuf4j.api.DmaBuf#awaitReady(Access, java.time.Duration)} and
 *       {@link org.dmabuf4j.api.Fences#awaitAny(java.util.List, java.time.Duration)} throw
 *       {@link org.dmabuf4j.api.FenceFailedException}, whose cause is the fence's error, as
 *       {@code CompletableFuture.join()} does. To wait without throwing, use
 *       {@link org.dmabuf4j.api.Fence#awaitStatus(java.time.Duration)}; {@link org.dmabuf4j.api.Fence#status()} and
 *       {@link org.dmabuf4j.api.Fence#error()} query without waiting.</li>
 *   <li><b>Interrupts are unchecked.</b> No method declares {@link java.lang.InterruptedException}. A blocking call
 *       that is interrupted throws {@link org.dmabuf4j.api.DmaInterruptedException} naming the rule whose wait was
 *       cut short, with the thread's interrupt status set again, and changes nothing (no lock taken, no window or
 *       mapping opened). The {@code ...Uninterruptibly} variants and {@link org.dmabuf4j.api.Reservation#lock()}
 *       ignore interrupts and keep the status.</li>
 *   <li><b>Timeouts return false</b> ({@link Rule#FENCE_12 FENCE-12}, {@link Rule#RESV_14 RESV-14}): a
 *       {@link java.time.Duration#ZERO} timeout polls, a negative one is rejected.</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * <p>Every rule has an ID ({@link org.dmabuf4j.api.Rule}); every exception names the rule it enforces
 * ({@link org.dmabuf4j.api.DmaBufException#rule()}). The catalogue is {@code docs/RULES.md}.
 */
package org.dmabuf4j.api;
