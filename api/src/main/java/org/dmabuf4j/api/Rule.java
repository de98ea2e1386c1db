package org.dmabuf4j.api;

import java.util.Locale;

/**
 * The contract of dmabuf4j as a closed catalogue of rules, each with a stable ID.
 *
 * <p>Every exception the library throws for a broken rule carries the rule ({@link DmaBufException#rule()}); every
 * testkit failure names it; the javadoc of every api method lists the rules that apply to it, each linked to its
 * constant here. The whole catalogue as one table (ID, level, who it binds, statement, source) is the
 * <a href="{@docRoot}/index.html">overview page</a> of the api's javadoc, and {@code docs/RULES.md} in the
 * repository; both are generated from this enum and checked against it by a test, so this file is the single source
 * of truth. IDs are stable: a rule that is dropped keeps its number retired, never reused.
 *
 * <p>Families: {@code BUF} buffers and handles, {@code ATT} attachments, {@code MAP} mappings, {@code CPU} CPU access,
 * {@code RESV} reservations, {@code FENCE} fences, {@code SYNC} sync files, timelines and poll, {@code MOVE} moves,
 * {@code PIN} pinning, {@code P2P} peer-to-peer memory, {@code REV} revocation, {@code HEAP} heaps, {@code DEV}
 * devices, {@code SAFE} what foreign code (exporters, importers, callbacks) can and cannot do to the framework,
 * {@code FMT} image formats and descriptors, {@code NEG} format negotiation, {@code SYNCOBJ} sync objects,
 * {@code IPC} sharing across processes.
 */
public enum Rule {
    // ---- BUF: buffers and handles -------------------------------------------------------------------------------
    /**
     * Size is fixed: a buffer's size is fixed at export, is a positive multiple of the page size, and never changes.
     */
    BUF_1(Level.MUST, Party.FRAMEWORK, "A buffer's size is fixed at export, is a positive multiple of the page size, and never changes.", "dma-buf.h: struct dma_buf.size"),
    /**
     * Release once: the exporter's release runs exactly once, after the last handle is closed and the last attachment
     * is detached.
     */
    BUF_2(Level.MUST, Party.FRAMEWORK, "The exporter's release runs exactly once, after the last handle is closed and the last attachment is detached.", "dma-buf.c: dma_buf_release"),
    /**
     * Closed handles: a closed handle rejects every operation but {@code close()}, which is idempotent; only its
     * immutable identity queries (id, size, {@code exporterName}, layout, {@code isOpen}, {@code isRevoked},
     * {@code toString}) keep answering, for diagnostics after close; other handles of the same buffer are unaffected.
     */
    BUF_3(Level.MUST, Party.FRAMEWORK, "A closed handle rejects every operation but close(), which is idempotent; only its immutable identity queries (id, size, exporterName, layout, isOpen, isRevoked, toString) keep answering, for diagnostics after close; other handles of the same buffer are unaffected.", "file refcounting: fput"),
    /**
     * Names: a buffer name is at most 31 bytes of UTF-8 (32 with the terminating {@code NUL}) and contains no
     * {@code NUL}; longer or invalid names are rejected and the old name kept.
     */
    BUF_4(Level.MUST, Party.FRAMEWORK, "A buffer name is at most 31 bytes of UTF-8 (32 with the terminating NUL) and contains no NUL; longer or invalid names are rejected and the old name kept.", "DMA_BUF_SET_NAME, DMA_BUF_NAME_LEN"),
    /**
     * Renaming: the name may be changed at any time, whether or not the buffer is attached or mapped.
     */
    BUF_5(Level.MAY, Party.IMPORTER, "The name may be changed at any time, whether or not the buffer is attached or mapped.", "dma-buf.c: dma_buf_set_name (5.15+)"),
    /**
     * {@code share()} is dup: {@code share()} returns a new independent handle to the same buffer (a dup); every handle
     * must be closed on its own.
     */
    BUF_6(Level.MUST, Party.FRAMEWORK, "share() returns a new independent handle to the same buffer (a dup); every handle must be closed on its own.", "dma_buf_fd / get_dma_buf"),
    /**
     * Export validation: an export names a non-blank exporter, a positive size and an exporter implementing map, unmap
     * and release; invalid export information is rejected before anything is created.
     */
    BUF_7(Level.MUST, Party.EXPORTER, "An export names a non-blank exporter, a positive size and an exporter implementing map, unmap and release; invalid export information is rejected before anything is created.", "dma-buf.c: dma_buf_export -EINVAL cases"),
    /**
     * Leak reports: a handle that becomes unreachable while open is reported as a leak, with the stack trace of where
     * it was created.
     */
    BUF_8(Level.SHOULD, Party.FRAMEWORK, "A handle that becomes unreachable while open is reported as a leak, with the stack trace of where it was created.", "dmabuf4j addition; dma_buf_get_pfn_unlocked RFC review (2025)"),
    /**
     * Lock state of lifecycle calls: export, share, close, attach and detach are called without holding the buffer's
     * reservation lock.
     */
    BUF_9(Level.MUST, Party.IMPORTER, "export, share, close, attach and detach are called without holding the buffer's reservation lock.", "dma-buf.c: DOC locking convention"),
    /**
     * Dynamic exporters pin: an exporter that may move its memory declares itself dynamic and implements pin and unpin
     * together.
     */
    BUF_10(Level.MUST, Party.EXPORTER, "An exporter that may move its memory declares itself dynamic and implements pin and unpin together.", "dma-buf.c: dma_buf_export pin/unpin pairing"),

    // ---- ATT: attachments ---------------------------------------------------------------------------------------
    /**
     * Attach may be refused: an exporter may refuse an attachment when the device cannot reach the memory or its
     * constraints cannot be met; a refused attach leaves no attachment behind.
     */
    ATT_1(Level.MAY, Party.EXPORTER, "An exporter may refuse an attachment when the device cannot reach the memory or its constraints cannot be met; a refused attach leaves no attachment behind.", "dma_buf_ops.attach -EBUSY"),
    /**
     * Detach after unmap: an importer detaches only after unmapping every mapping it made through the attachment (the
     * cached mapping excepted).
     */
    ATT_2(Level.MUST, Party.IMPORTER, "An importer detaches only after unmapping every mapping it made through the attachment (the cached mapping excepted).", "dma-buf.c: DOC dma buf device access"),
    /**
     * Dynamic importers: a dynamic importer supplies a non-null Importer whose {@code moveNotify} handles invalidation;
     * a static importer attaches without one, through {@code attach(device)}.
     */
    ATT_3(Level.MUST, Party.IMPORTER, "A dynamic importer supplies a non-null Importer whose moveNotify handles invalidation; a static importer attaches without one, through attach(device).", "dma_buf_dynamic_attach -EINVAL without move_notify"),
    /**
     * Attachments are per device: an attachment binds one buffer to one device; a detached attachment rejects every
     * operation (map, unmap, pin, unpin and their unlocked forms) but {@code close()}, which is idempotent; only its
     * identity queries (device, importer, {@code isDynamic}, {@code peerToPeer}, {@code isAttached}, {@code isPinned},
     * buffer, whose view is closed) keep answering.
     */
    ATT_4(Level.MUST, Party.FRAMEWORK, "An attachment binds one buffer to one device; a detached attachment rejects every operation (map, unmap, pin, unpin and their unlocked forms) but close(), which is idempotent; only its identity queries (device, importer, isDynamic, peerToPeer, isAttached, isPinned, buffer, whose view is closed) keep answering.", "struct dma_buf_attachment"),
    /**
     * Mixed static/dynamic attach: when importer and exporter differ in being dynamic, attach pins (dynamic exporter)
     * and maps {@code BIDIRECTIONAL} once, caching the mapping; if that fails the attach is undone.
     */
    ATT_5(Level.MUST, Party.FRAMEWORK, "When importer and exporter differ in being dynamic, attach pins (dynamic exporter) and maps BIDIRECTIONAL once, caching the mapping; if that fails the attach is undone.", "dma-buf.c: dma_buf_dynamic_attach"),
    /**
     * Detach releases cached state: detach unmaps the cached mapping and drops the implicit pin before the exporter's
     * detach runs.
     */
    ATT_6(Level.MUST, Party.FRAMEWORK, "Detach unmaps the cached mapping and drops the implicit pin before the exporter's detach runs.", "dma-buf.c: dma_buf_detach"),
    /**
     * Attach to an open device: a buffer can only be attached to an open device of its own system (a device of another
     * system is refused), and an attachment belongs to the buffer it was made from.
     */
    ATT_7(Level.MUST, Party.FRAMEWORK, "A buffer can only be attached to an open device of its own system (a device of another system is refused), and an attachment belongs to the buffer it was made from.", "dma-buf.c: dma_buf_detach WARN"),

    // ---- MAP: mappings -------------------------------------------------------------------------------------------
    /**
     * Lock held for map: map and unmap are called with the buffer's reservation lock held; the {@code ...Unlocked}
     * variants are called without it and take it themselves.
     */
    MAP_1(Level.MUST, Party.IMPORTER, "map and unmap are called with the buffer's reservation lock held; the ...Unlocked variants are called without it and take it themselves.", "dma-buf.c: dma_buf_map_attachment dma_resv_assert_held"),
    /**
     * Coverage: a mapping's entries cover exactly {@code size()} bytes of the buffer, in buffer order.
     */
    MAP_2(Level.MUST, Party.EXPORTER, "A mapping's entries cover exactly size() bytes of the buffer, in buffer order.", "dma_buf_ops.map_dma_buf"),
    /**
     * Alignment: every entry's DMA address and length are multiples of the page size.
     */
    MAP_3(Level.MUST, Party.EXPORTER, "Every entry's DMA address and length are multiples of the page size.", "dma_buf_ops.map_dma_buf PAGE_SIZE alignment"),
    /**
     * Constraints: every entry respects the device's constraints: it lies below the DMA mask, is no longer than the
     * maximum segment size and does not cross a segment boundary.
     */
    MAP_4(Level.MUST, Party.EXPORTER, "Every entry respects the device's constraints: it lies below the DMA mask, is no longer than the maximum segment size and does not cross a segment boundary.", "dma_parms; ARM: sharing coherent DMA memory without struct page (2017)"),
    /**
     * Fresh mappings: each map call returns a new mapping whose ownership passes to the caller until unmap; the
     * exporter never returns the same entries twice.
     */
    MAP_5(Level.MUST, Party.EXPORTER, "Each map call returns a new mapping whose ownership passes to the caller until unmap; the exporter never returns the same entries twice.", "dma_buf_ops.map_dma_buf"),
    /**
     * Cached mappings: an attachment with a cached mapping returns it from map; unmap of the cached mapping does
     * nothing; it lives until detach.
     */
    MAP_6(Level.MUST, Party.FRAMEWORK, "An attachment with a cached mapping returns it from map; unmap of the cached mapping does nothing; it lives until detach.", "dma-buf.c: dma_buf_map_attachment sgt cache"),
    /**
     * Cached direction: mapping a cached attachment in a direction the cached mapping does not cover fails with a busy
     * error; the cached mapping is unchanged.
     */
    MAP_7(Level.MUST, Party.FRAMEWORK, "Mapping a cached attachment in a direction the cached mapping does not cover fails with a busy error; the cached mapping is unchanged.", "dma-buf.c: -EBUSY on direction mismatch"),
    /**
     * {@code KERNEL} fences: map for a non-dynamic importer waits for the buffer's {@code KERNEL} fences before
     * returning.
     */
    MAP_8(Level.MUST, Party.FRAMEWORK, "map for a non-dynamic importer waits for the buffer's KERNEL fences before returning.", "dma-buf.c: dma_buf_map_attachment"),
    /**
     * Per-device addresses: a mapping's DMA addresses are valid for the attachment's device only.
     */
    MAP_9(Level.MUST, Party.FRAMEWORK, "A mapping's DMA addresses are valid for the attachment's device only.", "ARM: sharing coherent DMA memory without struct page (2017); sg_table per attachment"),
    /**
     * Unmap once: a mapping is unmapped exactly once, through the attachment that made it and in the direction it was
     * made with.
     */
    MAP_10(Level.MUST, Party.IMPORTER, "A mapping is unmapped exactly once, through the attachment that made it and in the direction it was made with.", "dma_buf_unmap_attachment"),
    /**
     * Dead after unmap: after unmap, a mapping's DMA addresses no longer translate and its CPU views are closed (views
     * of memory the exporter allocated outside {@code DmaBufSystem.exporterArena()} keep the exporter's scope instead,
     * {@link #SAFE_1 SAFE-1}).
     */
    MAP_11(Level.MUST, Party.FRAMEWORK, "After unmap, a mapping's DMA addresses no longer translate and its CPU views are closed (views of memory the exporter allocated outside DmaBufSystem.exporterArena() keep the exporter's scope instead, SAFE-1).", "dmabuf4j addition: views die with their mapping"),
    /**
     * Importers see device addresses: importers reach CPU memory through mapping entries only as views, never as the
     * exporter's backing segment: scoped to the mapping for memory the framework keeps (its heaps, exporter arenas),
     * else keeping the exporter's scope ({@link #SAFE_1 SAFE-1}).
     */
    MAP_12(Level.MUST, Party.FRAMEWORK, "Importers reach CPU memory through mapping entries only as views, never as the exporter's backing segment: scoped to the mapping for memory the framework keeps (its heaps, exporter arenas), else keeping the exporter's scope (SAFE-1).", "CONFIG_DMABUF_DEBUG; dma_buf_get_pfn_unlocked RFC review (2025)"),

    // ---- CPU: CPU access ---------------------------------------------------------------------------------------
    /**
     * Bracketing: every CPU access to a buffer is bracketed by {@code beginCpuAccess} and close of the returned window.
     */
    CPU_1(Level.MUST, Party.IMPORTER, "Every CPU access to a buffer is bracketed by beginCpuAccess and close of the returned window.", "DMA_BUF_IOCTL_SYNC; dri-devel: about mmap dma-buf and sync (2015)"),
    /**
     * Implicit waits: {@code beginCpuAccess} waits for the fences implied by the access: {@code READ} waits for
     * {@code WRITE}-usage fences (writers and kernel), {@code WRITE} waits for {@code READ}-usage fences (readers,
     * writers and kernel).
     */
    CPU_2(Level.MUST, Party.FRAMEWORK, "beginCpuAccess waits for the fences implied by the access: READ waits for WRITE-usage fences (writers and kernel), WRITE waits for READ-usage fences (readers, writers and kernel).", "dma-buf.c: dma_buf_begin_cpu_access + dma_resv_usage_rw"),
    /**
     * Exact region: a window exposes exactly its region: a 1-D window one segment of the range, a 2-D window one
     * segment per row and nothing between the rows.
     */
    CPU_3(Level.MUST, Party.FRAMEWORK, "A window exposes exactly its region: a 1-D window one segment of the range, a 2-D window one segment per row and nothing between the rows.", "dri-devel: about mmap dma-buf and sync (2015): 2-D sync regions"),
    /**
     * Temporal safety: every segment of a window fails on access after the window is closed.
     */
    CPU_4(Level.MUST, Party.FRAMEWORK, "Every segment of a window fails on access after the window is closed.", "dmabuf4j addition: views die with their window"),
    /**
     * Confinement: a window is confined to the thread that opened it unless opened {@code SHARED}; its {@code close()}
     * must then come from that thread.
     */
    CPU_5(Level.MUST, Party.FRAMEWORK, "A window is confined to the thread that opened it unless opened SHARED; its close() must then come from that thread.", "dmabuf4j addition: confined windows"),
    /**
     * Declared access: a {@code READ} window is read-only: writing through it fails.
     */
    CPU_6(Level.MUST, Party.FRAMEWORK, "A READ window is read-only: writing through it fails.", "dma_buf_begin_cpu_access direction"),
    /**
     * Region validity: a region lies within the buffer; a 2-D region requires a buffer layout and lies within its width
     * and height.
     */
    CPU_7(Level.MUST, Party.IMPORTER, "A region lies within the buffer; a 2-D region requires a buffer layout and lies within its width and height.", "dri-devel: about mmap dma-buf and sync (2015)"),
    /**
     * Lock state: {@code beginCpuAccess} and window close are called without holding the buffer's reservation lock.
     */
    CPU_8(Level.MUST, Party.IMPORTER, "beginCpuAccess and window close are called without holding the buffer's reservation lock.", "dma-buf.c: might_lock in begin/end_cpu_access"),
    /**
     * Non-coherent maintenance: for a buffer attached to a non-coherent device, begin invalidates exactly the region's
     * bytes for reading and closing a writable window cleans exactly the region's bytes; vmaps and mapping entries' CPU
     * views of such a buffer see the CPU cache too, so CPU access outside a window's bracket sees stale bytes.
     */
    CPU_9(Level.MUST, Party.FRAMEWORK, "For a buffer attached to a non-coherent device, begin invalidates exactly the region's bytes for reading and closing a writable window cleans exactly the region's bytes; vmaps and mapping entries' CPU views of such a buffer see the CPU cache too, so CPU access outside a window's bracket sees stale bytes.", "dma-buf RFC v2 review (2011), dri-devel: about mmap dma-buf and sync (2015); dma_sync_sg_for_cpu/for_device"),
    /**
     * Zero copy: a window on a coherent buffer with linear CPU memory is a zero-copy view of that memory.
     */
    CPU_10(Level.SHOULD, Party.FRAMEWORK, "A window on a coherent buffer with linear CPU memory is a zero-copy view of that memory.", "dmabuf4j addition: zero-copy windows"),
    /**
     * Ownership: a CPU write window and a device access to the same bytes at the same time are reported under the
     * ownership policy.
     */
    CPU_11(Level.MUST, Party.FRAMEWORK, "A CPU write window and a device access to the same bytes at the same time are reported under the ownership policy.", "dma-buf RFC v2 review (2011)"),
    /**
     * Exporter support: an exporter without CPU access refuses {@code beginCpuAccess} cleanly, with nothing opened.
     */
    CPU_12(Level.MUST, Party.EXPORTER, "An exporter without CPU access refuses beginCpuAccess cleanly, with nothing opened.", "dma_buf_ops.mmap/begin_cpu_access optional"),
    /**
     * Sync flag decoding: kernel sync flags are a non-zero subset of {@code READ}|{@code WRITE}, optionally with
     * {@code END}; any other bit is rejected.
     */
    CPU_13(Level.MUST, Party.FRAMEWORK, "Kernel sync flags are a non-zero subset of READ|WRITE, optionally with END; any other bit is rejected.", "DMA_BUF_IOCTL_SYNC -EINVAL"),
    /**
     * vmap: vmap and its close are called with the reservation lock held; vmaps are counted and the exporter maps on
     * the first and unmaps on the last.
     */
    CPU_14(Level.MUST, Party.IMPORTER, "vmap and its close are called with the reservation lock held; vmaps are counted and the exporter maps on the first and unmaps on the last.", "dma-buf.c: dma_buf_vmap"),

    // ---- RESV: reservation objects ------------------------------------------------------------------------------
    /**
     * Reserve before add: fence slots are reserved ({@code n >= 1}) under the lock before fences are added; adding
     * without a reserved slot is refused.
     */
    RESV_1(Level.MUST, Party.IMPORTER, "Fence slots are reserved (n >= 1) under the lock before fences are added; adding without a reserved slot is refused.", "dma-resv.c: dma_resv_reserve_fences / add_fence BUG_ON"),
    /**
     * Replacement: adding a fence replaces an entry of the same context whose usage is at least the new usage and whose
     * fence is not later, or any signaled entry; otherwise it appends.
     */
    RESV_2(Level.MUST, Party.FRAMEWORK, "Adding a fence replaces an entry of the same context whose usage is at least the new usage and whose fence is not later, or any signaled entry; otherwise it appends.", "dma-resv.c: dma_resv_add_fence"),
    /**
     * Promotion only: a fence's usage can be promoted (towards {@code KERNEL}) but never degraded.
     */
    RESV_3(Level.MUST, Party.FRAMEWORK, "A fence's usage can be promoted (towards KERNEL) but never degraded.", "dma-resv.h: enum dma_resv_usage"),
    /**
     * Lock held for fence changes: {@code reserveFences}, {@code addFence}, {@code replaceFences} and locked iteration
     * are called with the lock held.
     */
    RESV_4(Level.MUST, Party.IMPORTER, "reserveFences, addFence, replaceFences and locked iteration are called with the lock held.", "dma_resv_assert_held"),
    /**
     * Wait-die: with acquire contexts, an older context waits for a younger holder and a younger context asking for a
     * lock an older one holds fails with would-deadlock.
     */
    RESV_5(Level.MUST, Party.FRAMEWORK, "With acquire contexts, an older context waits for a younger holder and a younger context asking for a lock an older one holds fails with would-deadlock.", "ww_mutex wait-die"),
    /**
     * Back off: after would-deadlock, a context releases every lock it holds, then takes the contended lock with
     * {@code lockSlow} before retrying the rest.
     */
    RESV_6(Level.MUST, Party.IMPORTER, "After would-deadlock, a context releases every lock it holds, then takes the contended lock with lockSlow before retrying the rest.", "Documentation/locking/ww-mutex-design.rst"),
    /**
     * Already locked: locking an object again with the context that holds it fails with already-locked and changes
     * nothing.
     */
    RESV_7(Level.MUST, Party.FRAMEWORK, "Locking an object again with the context that holds it fails with already-locked and changes nothing.", "ww_mutex -EALREADY"),
    /**
     * Leaves only: only leaf fences are added to a reservation; containers (arrays, chains) are unwrapped first.
     */
    RESV_8(Level.MUST, Party.IMPORTER, "Only leaf fences are added to a reservation; containers (arrays, chains) are unwrapped first.", "dma-resv.c: WARN on container"),
    /**
     * Usage queries: a query at usage U covers every fence whose usage is U or stronger ({@code KERNEL} &lt;
     * {@code WRITE} &lt; {@code READ} &lt; {@code BOOKKEEP}).
     */
    RESV_9(Level.MUST, Party.FRAMEWORK, "A query at usage U covers every fence whose usage is U or stronger (KERNEL < WRITE < READ < BOOKKEEP).", "dma-resv.h: dma_resv_usage"),
    /**
     * Unlocked iteration: unlocked iteration skips signaled fences and restarts from the first fence when the list
     * changes underneath it, flagging the restart.
     */
    RESV_10(Level.MUST, Party.FRAMEWORK, "Unlocked iteration skips signaled fences and restarts from the first fence when the list changes underneath it, flagging the restart.", "dma-resv.c: dma_resv_iter_*_unlocked"),
    /**
     * Unlock by holder: only the holder unlocks a reservation, and only when it holds it.
     */
    RESV_11(Level.MUST, Party.IMPORTER, "Only the holder unlocks a reservation, and only when it holds it.", "ww_mutex_unlock"),
    /**
     * Reservations are per lock hold: unused fence slots are dropped at unlock: a reservation of slots is valid for one
     * lock hold only.
     */
    RESV_12(Level.MUST, Party.FRAMEWORK, "Unused fence slots are dropped at unlock: a reservation of slots is valid for one lock hold only.", "dma-resv.c: debug unlock resets max_fences"),
    /**
     * Context lifecycle: an acquire context is used by one thread, takes no new lock after {@code done()}, and is
     * closed only after every lock taken under it is released.
     */
    RESV_13(Level.MUST, Party.IMPORTER, "An acquire context is used by one thread, takes no new lock after done(), and is closed only after every lock taken under it is released.", "ww_acquire_done / ww_acquire_fini"),
    /**
     * Wait bounds: a reservation wait with a timeout returns false when the timeout passes with fences pending; a zero
     * timeout polls and a negative one is rejected.
     */
    RESV_14(Level.MUST, Party.FRAMEWORK, "A reservation wait with a timeout returns false when the timeout passes with fences pending; a zero timeout polls and a negative one is rejected.", "dma_resv_wait_timeout"),

    // ---- FENCE ----------------------------------------------------------------------------------------------------
    /**
     * Signal once: a fence signals once; a second signal changes nothing and reports that the fence was already
     * signaled.
     */
    FENCE_1(Level.MUST, Party.FRAMEWORK, "A fence signals once; a second signal changes nothing and reports that the fence was already signaled.", "dma_fence_check_and_signal"),
    /**
     * Callbacks: a callback added to a pending fence runs exactly once, on the signaling thread; adding one to a
     * signaled fence is refused and does not run it.
     */
    FENCE_2(Level.MUST, Party.FRAMEWORK, "A callback added to a pending fence runs exactly once, on the signaling thread; adding one to a signaled fence is refused and does not run it.", "dma_fence_add_callback -ENOENT"),
    /**
     * Error before signal: a fence's error is set only before it signals.
     */
    FENCE_3(Level.MUST, Party.EXPORTER, "A fence's error is set only before it signals.", "dma_fence_set_error"),
    /**
     * Signaling never takes reservation locks: code on a fence's signaling path (its callbacks included) never takes a
     * reservation lock, since waiters may hold one.
     */
    FENCE_4(Level.MUST, Party.EXPORTER, "Code on a fence's signaling path (its callbacks included) never takes a reservation lock, since waiters may hold one.", "dma-fence.c: DOC fence cross-driver contract"),
    /**
     * Ordering: fences of one context are totally ordered by a 64-bit seqno; fences of different contexts are not
     * comparable.
     */
    FENCE_5(Level.MUST, Party.FRAMEWORK, "Fences of one context are totally ordered by a 64-bit seqno; fences of different contexts are not comparable.", "dma_fence_is_later"),
    /**
     * Contexts: fence contexts are unique and increasing; a context issues strictly increasing seqnos.
     */
    FENCE_6(Level.MUST, Party.FRAMEWORK, "Fence contexts are unique and increasing; a context issues strictly increasing seqnos.", "dma_fence_context_alloc"),
    /**
     * Finite time: a fence signals in finite time; work that hangs is completed with an error rather than left pending.
     */
    FENCE_7(Level.MUST, Party.EXPORTER, "A fence signals in finite time; work that hangs is completed with an error rather than left pending.", "Documentation: Indefinite DMA Fences"),
    /**
     * Timestamp: a fence's timestamp is taken when it signals and exists only after it has signaled.
     */
    FENCE_8(Level.MUST, Party.FRAMEWORK, "A fence's timestamp is taken when it signals and exists only after it has signaled.", "dma_fence_timestamp"),
    /**
     * Arrays: a fence array signals when all its fences have signaled and carries the first error among them.
     */
    FENCE_9(Level.MUST, Party.FRAMEWORK, "A fence array signals when all its fences have signaled and carries the first error among them.", "dma-fence-array.c"),
    /**
     * Chains: a chain node is signaled when it and all earlier nodes are; finding a seqno returns the oldest unsignaled
     * node that covers it and refuses a seqno later than the chain.
     */
    FENCE_10(Level.MUST, Party.FRAMEWORK, "A chain node is signaled when it and all earlier nodes are; finding a seqno returns the oldest unsignaled node that covers it and refuses a seqno later than the chain.", "dma-fence-chain.c: dma_fence_chain_find_seqno"),
    /**
     * Merge: merging unwraps containers, drops signaled fences, keeps the later fence per context and sorts by context;
     * nothing left gives a signaled stub, one left gives that fence.
     */
    FENCE_11(Level.MUST, Party.FRAMEWORK, "Merging unwraps containers, drops signaled fences, keeps the later fence per context and sorts by context; nothing left gives a signaled stub, one left gives that fence.", "dma-fence-unwrap.c: dma_fence_unwrap_merge"),
    /**
     * Waits: a wait with a timeout returns whether the fence signaled; a zero timeout polls and a negative one is
     * rejected; waits are interruptible.
     */
    FENCE_12(Level.MUST, Party.FRAMEWORK, "A wait with a timeout returns whether the fence signaled; a zero timeout polls and a negative one is rejected; waits are interruptible.", "dma_fence_wait_timeout"),
    /**
     * Failed fences fail waits: a wait that returns because a fence signaled with an error ({@link Fence#await()},
     * {@link Fence#awaitUninterruptibly()}, {@code SyncFile.await}, {@code Reservation.await},
     * {@code DmaBuf.awaitReady}, {@code Fences.awaitAny}) throws {@link FenceFailedException} with the fence's error as
     * its cause; {@link Fence#status()}, {@link Fence#error()} and {@code awaitStatus} query without throwing.
     */
    FENCE_13(Level.MUST, Party.FRAMEWORK, "A wait that returns because a fence signaled with an error (Fence.await, awaitUninterruptibly, SyncFile.await, Reservation.await, DmaBuf.awaitReady, Fences.awaitAny) throws FenceFailedException with the fence's error as its cause; status(), error() and awaitStatus query without throwing.", "dma_fence_get_status; dma_fence_wait_timeout"),

    // ---- SYNC: sync files, timelines, poll --------------------------------------------------------------------
    /**
     * Snapshot: an exported sync file is a snapshot: fences added to the buffer afterwards are not in it.
     */
    SYNC_1(Level.MUST, Party.FRAMEWORK, "An exported sync file is a snapshot: fences added to the buffer afterwards are not in it.", "DMA_BUF_IOCTL_EXPORT_SYNC_FILE"),
    /**
     * Merge: merging sync files keeps one fence per context, the later one, and leaves both inputs valid.
     */
    SYNC_2(Level.MUST, Party.FRAMEWORK, "Merging sync files keeps one fence per context, the later one, and leaves both inputs valid.", "SYNC_IOC_MERGE"),
    /**
     * Timeline close: closing a timeline signals each of its pending points with a timeline-closed error; signaled
     * points keep their status.
     */
    SYNC_3(Level.MUST, Party.FRAMEWORK, "Closing a timeline signals each of its pending points with a timeline-closed error; signaled points keep their status.", "sw_sync.c: release"),
    /**
     * Poll: a buffer is ready to read when no fence of {@code WRITE} usage or stronger is pending, and ready to write
     * when none of {@code READ} usage or stronger is; {@code BOOKKEEP} fences never block readiness.
     */
    SYNC_4(Level.MUST, Party.FRAMEWORK, "A buffer is ready to read when no fence of WRITE usage or stronger is pending, and ready to write when none of READ usage or stronger is; BOOKKEEP fences never block readiness.", "dma-buf.c: DOC implicit fence polling"),
    /**
     * Export usage: exporting a sync file for {@code READ} collects {@code WRITE}-usage fences and for {@code WRITE}
     * collects {@code READ}-usage fences; it is called without the buffer's reservation lock, and refused with it held.
     */
    SYNC_5(Level.MUST, Party.FRAMEWORK, "Exporting a sync file for READ collects WRITE-usage fences and for WRITE collects READ-usage fences; it is called without the buffer's reservation lock, and refused with it held.", "DMA_BUF_IOCTL_EXPORT_SYNC_FILE"),
    /**
     * Import usage: importing a sync file adds each of its leaf fences with {@code WRITE} usage if the access writes
     * and {@code READ} usage otherwise, promoting existing entries.
     */
    SYNC_6(Level.MUST, Party.FRAMEWORK, "Importing a sync file adds each of its leaf fences with WRITE usage if the access writes and READ usage otherwise, promoting existing entries.", "DMA_BUF_IOCTL_IMPORT_SYNC_FILE"),
    /**
     * Past points: a timeline point at a value not later than the timeline's value is created signaled.
     */
    SYNC_7(Level.MUST, Party.FRAMEWORK, "A timeline point at a value not later than the timeline's value is created signaled.", "sw_sync.c: SW_SYNC_IOC_CREATE_FENCE"),
    /**
     * Advance: advancing a timeline signals, in seqno order, every pending point at or below the new value.
     */
    SYNC_8(Level.MUST, Party.FRAMEWORK, "Advancing a timeline signals, in seqno order, every pending point at or below the new value.", "sw_sync.c: SW_SYNC_IOC_INC"),
    /**
     * Info: a sync file's info lists each leaf fence with its timeline, driver, status and timestamp (zero while
     * pending).
     */
    SYNC_9(Level.MUST, Party.FRAMEWORK, "A sync file's info lists each leaf fence with its timeline, driver, status and timestamp (zero while pending).", "SYNC_IOC_FILE_INFO"),

    // ---- MOVE -----------------------------------------------------------------------------------------------------
    /**
     * Under lock: an exporter moves a buffer's backing store only while holding its reservation lock.
     */
    MOVE_1(Level.MUST, Party.EXPORTER, "An exporter moves a buffer's backing store only while holding its reservation lock.", "dma-buf.h: move_notify"),
    /**
     * Not pinned: an exporter never moves a buffer while any attachment pins it.
     */
    MOVE_2(Level.MUST, Party.EXPORTER, "An exporter never moves a buffer while any attachment pins it.", "dma-buf.h: pin"),
    /**
     * Notify first: before a move takes effect the exporter invalidates the mappings, which calls {@code moveNotify} on
     * every dynamic attachment with the lock held.
     */
    MOVE_3(Level.MUST, Party.EXPORTER, "Before a move takes effect the exporter invalidates the mappings, which calls moveNotify on every dynamic attachment with the lock held.", "dma_buf_move_notify / dma_buf_invalidate_mappings"),
    /**
     * Static never notified: static attachments are never notified; their buffers are pinned instead.
     */
    MOVE_4(Level.MUST, Party.FRAMEWORK, "Static attachments are never notified; their buffers are pinned instead.", "dma-buf.c: dma_buf_move_notify"),
    /**
     * Dead after notify: after an invalidation, every mapping made before it is dead: device access through it faults
     * and its CPU views are closed.
     */
    MOVE_5(Level.MUST, Party.FRAMEWORK, "After an invalidation, every mapping made before it is dead: device access through it faults and its CPU views are closed.", "dma_buf_get_pfn_unlocked RFC review (2025)"),
    /**
     * Predictable: an exporter is predictable: after an invalidation, a fresh map succeeds for as long as the buffer is
     * valid, and returns the new location.
     */
    MOVE_6(Level.MUST, Party.EXPORTER, "An exporter is predictable: after an invalidation, a fresh map succeeds for as long as the buffer is valid, and returns the new location.", "mm/vma peer-to-peer RFC review (2019)"),
    /**
     * Importer duties: {@code moveNotify} tolerates repeated calls, neither takes nor releases the reservation lock,
     * and makes the importer drop its mappings and re-map before its next access.
     */
    MOVE_7(Level.MUST, Party.IMPORTER, "moveNotify tolerates repeated calls, neither takes nor releases the reservation lock, and makes the importer drop its mappings and re-map before its next access.", "dma-buf.h: move_notify doc"),
    /**
     * Kernel fences for moves: the copy of a move is published as a {@code KERNEL}-usage fence, and no device or CPU
     * touches the new location before it signals.
     */
    MOVE_8(Level.MUST, Party.EXPORTER, "The copy of a move is published as a KERNEL-usage fence, and no device or CPU touches the new location before it signals.", "dma-resv.h: DMA_RESV_USAGE_KERNEL"),

    // ---- PIN ------------------------------------------------------------------------------------------------------
    /**
     * Who pins: pin and unpin are called by dynamic importers only, with the reservation lock held.
     */
    PIN_1(Level.MUST, Party.IMPORTER, "pin and unpin are called by dynamic importers only, with the reservation lock held.", "dma_buf_pin"),
    /**
     * Refusal: an exporter may refuse a pin; a refused pin leaves the attachment unpinned.
     */
    PIN_2(Level.MAY, Party.EXPORTER, "An exporter may refuse a pin; a refused pin leaves the attachment unpinned.", "dma_buf_ops.pin"),
    /**
     * Pinned stays: a pinned buffer's memory does not move and its mappings stay valid until unpinned, revocation
     * excepted.
     */
    PIN_3(Level.MUST, Party.EXPORTER, "A pinned buffer's memory does not move and its mappings stay valid until unpinned, revocation excepted.", "dma-buf.h: pin"),
    /**
     * Implicit pins: a static importer of a dynamic exporter is pinned from attach to detach.
     */
    PIN_4(Level.MUST, Party.FRAMEWORK, "A static importer of a dynamic exporter is pinned from attach to detach.", "dma-buf.c: dma_buf_dynamic_attach"),
    /**
     * Long-lived only: pinning is for long-lived uses such as scanout, not for the duration of one job.
     */
    PIN_5(Level.SHOULD, Party.IMPORTER, "Pinning is for long-lived uses such as scanout, not for the duration of one job.", "dma_buf_pin kernel-doc"),
    /**
     * Balanced: unpin is called only on a pinned attachment, once per pin.
     */
    PIN_6(Level.MUST, Party.IMPORTER, "unpin is called only on a pinned attachment, once per pin.", "dma_buf_unpin"),

    // ---- P2P ------------------------------------------------------------------------------------------------------
    /**
     * Opt in: entries for memory without CPU pages are given only to importers that allow peer-to-peer, on devices that
     * can reach the memory.
     */
    P2P_1(Level.MUST, Party.EXPORTER, "Entries for memory without CPU pages are given only to importers that allow peer-to-peer, on devices that can reach the memory.", "attach->peer2peer; ARM: sharing coherent DMA memory without struct page (2017)"),
    /**
     * Otherwise migrate or refuse: for any other importer the exporter migrates the buffer to memory with CPU pages (a
     * move with notification) or refuses.
     */
    P2P_2(Level.MUST, Party.EXPORTER, "For any other importer the exporter migrates the buffer to memory with CPU pages (a move with notification) or refuses.", "mm/vma peer-to-peer RFC review (2019), ARM: sharing coherent DMA memory without struct page (2017)"),
    /**
     * No page, no segment: asking an entry without a CPU page for a CPU segment fails clearly.
     */
    P2P_3(Level.MUST, Party.FRAMEWORK, "Asking an entry without a CPU page for a CPU segment fails clearly.", "ARM: sharing coherent DMA memory without struct page (2017)"),

    // ---- REV ------------------------------------------------------------------------------------------------------
    /**
     * Sequence: revocation first makes new maps fail, then invalidates every importer, waits for every fence
     * ({@code BOOKKEEP}), then waits for the importers to unmap, within a timeout.
     */
    REV_1(Level.MUST, Party.EXPORTER, "Revocation first makes new maps fail, then invalidates every importer, waits for every fence (BOOKKEEP), then waits for the importers to unmap, within a timeout.", "dma_buf_attach_revocable (2026)"),
    /**
     * After: after revocation every map and CPU access fails with the revoked error, while handles can still be closed,
     * attachments detached and memory released.
     */
    REV_2(Level.MUST, Party.FRAMEWORK, "After revocation every map and CPU access fails with the revoked error, while handles can still be closed, attachments detached and memory released.", "dma_buf_attach_revocable (2026)"),
    /**
     * Revocable attach: an exporter may refuse attachments that cannot be revoked in bounded time (static importers,
     * which have no {@code moveNotify}).
     */
    REV_3(Level.MAY, Party.EXPORTER, "An exporter may refuse attachments that cannot be revoked in bounded time (static importers, which have no moveNotify).", "dma_buf_attach_revocable (2026)"),
    /**
     * Timeout names: a revocation that times out fails with an error naming the importers that did not unmap.
     */
    REV_4(Level.MUST, Party.FRAMEWORK, "A revocation that times out fails with an error naming the importers that did not unmap.", "mm/vma peer-to-peer RFC review (2019)"),
    /**
     * Importers stop: an importer notified of a revocation stops device access and unmaps without waiting to be able to
     * map again.
     */
    REV_5(Level.MUST, Party.IMPORTER, "An importer notified of a revocation stops device access and unmaps without waiting to be able to map again.", "dma_buf_attach_revocable (2026)"),

    // ---- HEAP -----------------------------------------------------------------------------------------------------
    /**
     * Zeroed: heap allocations are zeroed: no data passes between users of the memory.
     */
    HEAP_1(Level.MUST, Party.EXPORTER, "Heap allocations are zeroed: no data passes between users of the memory.", "heaps/system_heap.c, cma_heap.c"),
    /**
     * Page rounding: heap sizes are rounded up to the page size.
     */
    HEAP_2(Level.MUST, Party.FRAMEWORK, "Heap sizes are rounded up to the page size.", "dma-heap.c: PAGE_ALIGN"),
    /**
     * Bad sizes: a zero, negative or over-capacity size is rejected and nothing is allocated.
     */
    HEAP_3(Level.MUST, Party.FRAMEWORK, "A zero, negative or over-capacity size is rejected and nothing is allocated.", "dma-heap.c -EINVAL/-ENOMEM"),
    /**
     * Bad flags: unknown heap flags are rejected.
     */
    HEAP_4(Level.MUST, Party.FRAMEWORK, "Unknown heap flags are rejected.", "dma-heap.c: DMA_HEAP_VALID_HEAP_FLAGS"),
    /**
     * Freed on release: a heap buffer's memory is returned when the buffer is released, and not before.
     */
    HEAP_5(Level.MUST, Party.EXPORTER, "A heap buffer's memory is returned when the buffer is released, and not before.", "heaps: release"),
    /**
     * System heap chunks: the system heap backs a buffer with chunks of 1 MiB, 64 KiB and 4 KiB, each no larger than
     * the previous.
     */
    HEAP_6(Level.MUST, Party.EXPORTER, "The system heap backs a buffer with chunks of 1 MiB, 64 KiB and 4 KiB, each no larger than the previous.", "heaps/system_heap.c orders 8, 4, 0"),
    /**
     * Contiguous heap: the contiguous heap backs a buffer with one contiguous region of its pool and fails cleanly,
     * allocating nothing, when no region is large enough.
     */
    HEAP_7(Level.MUST, Party.EXPORTER, "The contiguous heap backs a buffer with one contiguous region of its pool and fails cleanly, allocating nothing, when no region is large enough.", "heaps/cma_heap.c"),
    /**
     * Layouts a heap can hold: a heap whose memory is linear (the system heap, the contiguous heap, device memory)
     * rejects a tiled layout, since the memory would stay linear while the layout claims tiles; tiled layouts are
     * allocated from the tiled heap. Nothing is allocated.
     */
    HEAP_8(Level.MUST, Party.FRAMEWORK, "A heap whose memory is linear rejects a tiled layout, allocating nothing; tiled layouts come from the tiled heap.", "dma-heap.c: heaps allocate linear memory"),

    // ---- DEV ------------------------------------------------------------------------------------------------------
    /**
     * Own mappings: a device reaches memory only through its own current mappings; any other address is an IOMMU fault
     * naming the device and the address.
     */
    DEV_1(Level.MUST, Party.FRAMEWORK, "A device reaches memory only through its own current mappings; any other address is an IOMMU fault naming the device and the address.", "ARM: sharing coherent DMA memory without struct page (2017); IOMMU"),
    /**
     * Distinct spaces: each device has its own DMA address space; device addresses are never native CPU addresses.
     */
    DEV_2(Level.MUST, Party.FRAMEWORK, "Each device has its own DMA address space; device addresses are never native CPU addresses.", "ARM: sharing coherent DMA memory without struct page (2017)"),
    /**
     * Constraints: device DMA mapping honours the device's constraints and refuses memory it cannot reach.
     */
    DEV_3(Level.MUST, Party.FRAMEWORK, "Device DMA mapping honours the device's constraints and refuses memory it cannot reach.", "dma_map_sg; dma_parms"),
    /**
     * Direction: a device writes only through mappings made {@code FROM_DEVICE} or {@code BIDIRECTIONAL} and reads only
     * through {@code TO_DEVICE} or {@code BIDIRECTIONAL} ones.
     */
    DEV_4(Level.MUST, Party.FRAMEWORK, "A device writes only through mappings made FROM_DEVICE or BIDIRECTIONAL and reads only through TO_DEVICE or BIDIRECTIONAL ones.", "dma_data_direction"),
    /**
     * Bounds: a device access that runs past the end of a mapped range faults without touching memory.
     */
    DEV_5(Level.MUST, Party.FRAMEWORK, "A device access that runs past the end of a mapped range faults without touching memory.", "IOMMU"),
    /**
     * Two writers: two writers in different coherency domains touching the same bytes at the same time are reported
     * under the ownership policy.
     */
    DEV_6(Level.MUST, Party.FRAMEWORK, "Two writers in different coherency domains touching the same bytes at the same time are reported under the ownership policy.", "dma-buf RFC v2 review (2011)"),
    /**
     * Device close: closing a device ends its engines; jobs still pending fail their fences with an error.
     */
    DEV_7(Level.MUST, Party.FRAMEWORK, "Closing a device ends its engines; jobs still pending fail their fences with an error.", "hot-unplug"),
    /**
     * Engines: an engine job runs after its implicit and explicit dependencies signal, touches memory only through the
     * device's current mappings, and on a fault fails its fence with the fault as error.
     */
    DEV_8(Level.MUST, Party.FRAMEWORK, "An engine job runs after its implicit and explicit dependencies signal, touches memory only through the device's current mappings, and on a fault fails its fence with the fault as error.", "drm scheduler; dma_resv implicit sync"),
    /**
     * Unmap exactly: an exporter removes exactly the translations it installed: after unmap and release no translation
     * of the buffer is left in any device.
     */
    DEV_9(Level.MUST, Party.EXPORTER, "An exporter removes exactly the translations it installed: after unmap and release no translation of the buffer is left in any device.", "dma_unmap_sg"),
    /**
     * Engine scheduling: an engine runs the jobs of each of its submission queues in submission order (so their fences
     * signal in seqno order); between queues it runs first the queue whose queued jobs carry the soonest deadline hint,
     * else the queue whose next job was submitted first. A deadline never reorders the jobs of one queue.
     */
    DEV_10(Level.MUST, Party.FRAMEWORK, "An engine runs each submission queue's jobs in order; between queues it serves first the one whose queued jobs carry the soonest deadline hint, else the one whose next job is oldest; a deadline never reorders one queue's jobs.", "drm_sched entities and run queues; dma_fence_set_deadline"),

    // ---- SAFE: foreign-code safety (what an exporter, importer or callback can do to the framework) ----------
    /**
     * Memory lifetime: an exporter's memory stays valid until its release() returns; the framework never erases the
     * JDK's liveness check of memory it does not own. Views of memory an exporter allocated itself keep the
     * exporter's scope (mapping and vmap views) or are framework copies (CPU windows); only memory the framework owns
     * (its own heaps) is viewed through framework-scoped segments. An exporter that frees its memory early (in
     * vunmap, unmap, detach, end or begin of CPU access, during a window or an engine job, or at any time before
     * release) gets a {@link #SAFE_1 SAFE-1} error naming the buffer and exporter on the next framework access (an
     * engine job's fence fails with it), never a crash of the JVM.
     */
    SAFE_1(Level.MUST, Party.FRAMEWORK, "An exporter's memory stays valid until its release() returns; the framework never erases the JDK's liveness check of memory it does not own, so an exporter that frees early gets a SAFE-1 error naming the buffer and exporter on the next access (or a failed fence), never a crash.", "dma_buf_ops.release; FFM segment scopes"),
    /**
     * Throwable-safe call sites: every call into foreign code (exporter callbacks, importer callbacks, fence
     * callbacks, engine jobs) that throws a RuntimeException or an Error (StackOverflowError, OutOfMemoryError
     * included) leaves the framework consistent: no leaked buffer reference, translation, lock, window or pending
     * fence point. A RuntimeException reaches the caller (an engine job's or fence's error records it), except in
     * release and in a system's close, which log it (their callers are tearing down and could do nothing with it); an
     * Error propagates to the caller after the cleanup (a system's close rethrows the first once everything is
     * closed), except where it is recorded in a fence's error (engine jobs).
     */
    SAFE_2(Level.MUST, Party.FRAMEWORK, "A call into foreign code (exporter, importer or fence callback, engine job) that throws a RuntimeException or an Error leaves no leaked reference, translation, lock, window or pending point; exceptions reach the caller or the job's fence (release and system close log them), Errors propagate after the cleanup.", "dma-buf.c error paths"),
    /**
     * Peer-to-peer answer: the importer's allowPeerToPeer() is asked exactly once, at attach and before the
     * exporter's attach; its answer holds for the attachment's life, so an importer that throws from it fails the
     * attach cleanly and no later map depends on it.
     */
    SAFE_3(Level.MUST, Party.FRAMEWORK, "The importer's allowPeerToPeer() is asked once, at attach before the exporter's attach; its answer holds for the attachment's life and an importer that throws fails the attach cleanly.", "dma_buf_attachment.peer2peer"),
    /**
     * No lost dirty bytes: an invalidate of the simulated non-coherent CPU cache (by an unmap, a detach, a move, an
     * eviction, a revocation or another window's begin) never discards bytes that an open writable CPU window may
     * have dirtied: those lines are kept and reach memory when the window closes ({@link #CPU_9 CPU-9}).
     */
    SAFE_4(Level.MUST, Party.FRAMEWORK, "An invalidate of the simulated CPU cache (unmap, detach, move, eviction, revocation, another window's begin) keeps the lines of open writable CPU windows; they reach memory when the window closes.", "dri-devel: about mmap dma-buf and sync (2015); dma_sync_sg_for_cpu"),
    /**
     * Signalling survives callbacks: a fence callback that throws, even an Error, does not stop the signalling of
     * the other points a timeline advance or close signals, nor the propagation of a fence chain: every due point and
     * node signals, and the first Error is rethrown to the signaller afterwards.
     */
    SAFE_5(Level.MUST, Party.FRAMEWORK, "A fence callback that throws, even an Error, does not stop a timeline advance or close from signaling every due point, nor a fence chain from signaling its next nodes; the first Error is rethrown afterwards.", "dma_fence_signal; sw_sync"),
    /**
     * Leaks have a site and an end: with leak detection on (the default), a CPU window, a mapping, a vmap count, an
     * attachment or an acquire context that becomes unreachable while open (dropped without close) is reported, as
     * handles are ({@link #BUF_8 BUF-8}), with the stack trace of where it was opened, and the framework gives back
     * what it held: a window's buffer reference, ownership claim and copy memory (its writes reach memory as at close),
     * a vmap's count, a mapping's translations, an attachment's reference, pins and mappings. A window is dropped only
     * once none of its segments is reachable either. What needs the buffer's reservation lock is given back at once if
     * the lock is free, else at the next detach or when the system closes. A system that closes with windows, mappings
     * or attachments still open names where each was opened.
     */
    SAFE_6(Level.MUST, Party.FRAMEWORK, "With leak detection on, a CPU window, mapping, vmap count, attachment or acquire context dropped while open is reported with where it was opened, and what it held (buffer reference, claim, copy memory, count, translations, pins) is given back; a closing system names where each open window, mapping and attachment was opened.", "java.lang.ref.Cleaner; as BUF-8 for handles"),

    // ---- FMT: image formats, modifiers and descriptors ------------------------------------------------------
    /**
     * Formats: an image's format is a DRM fourcc of the catalogue ({@code DrmFormat.catalogue()}), whose colour
     * planes (bytes per sample, subsampling) are known, and its width and height are 1 to 65536. Any fourcc can be
     * held, parsed and printed, but a descriptor, an allocation or a negotiation of an unknown one is refused naming
     * the catalogue.
     */
    FMT_1(Level.MUST, Party.FRAMEWORK, "An image's format is a fourcc of the catalogue, whose colour planes are known, and its width and height are 1 to 65536; other fourccs are carried and printed but refused in a descriptor.", "drm_fourcc.h; drm_fourcc.c: drm_format_info"),
    /**
     * Plane count: an image has 1 to 4 memory planes, exactly the format's colour planes plus the planes its modifier
     * adds (SIM_TILED_CCS adds a compression-metadata plane per colour plane, so it cannot carry a 3-plane format);
     * for a modifier whose layout is unknown here, at least the colour planes. INVALID adds none.
     */
    FMT_2(Level.MUST, Party.FRAMEWORK, "An image has 1 to 4 memory planes: exactly the format's colour planes plus the planes its modifier adds (a metadata plane per colour plane for a compressed modifier); an unknown modifier needs at least the colour planes.", "dma-buf-alloc-exchange.rst: Formats and modifiers (CCS); drm_mode_fb_cmd2"),
    /**
     * One modifier: every plane of an image carries the same modifier. A descriptor built plane by plane (as
     * linux-dmabuf's params object) refuses a plane whose modifier differs from plane 0's, a plane added twice and a
     * missing plane, with the protocol's error named.
     */
    FMT_3(Level.MUST, Party.FRAMEWORK, "Every plane of an image carries the same modifier; a descriptor built plane by plane refuses a differing modifier, a plane added twice and a missing plane.", "zwp_linux_buffer_params_v1: INVALID_FORMAT, PLANE_SET, INCOMPLETE"),
    /**
     * Pitch and alignment: each colour plane's pitch is at least its row of samples in bytes (samples per row times
     * bytes per sample); a linear (or implicit) plane's pitch and offset are multiples of its sample size, a tiled
     * plane's pitch a multiple of its tile width and its offset of its tile size; a metadata plane's pitch covers its
     * colour plane's tiles per row.
     */
    FMT_4(Level.MUST, Party.FRAMEWORK, "A colour plane's pitch is at least its row of samples in bytes; a linear plane's pitch and offset are multiples of its sample size, a tiled plane's pitch of the tile width and its offset of the tile size; a metadata plane's pitch covers its colour plane's tiles per row.", "drm_framebuffer.c: framebuffer_check; dma-buf-alloc-exchange.rst: stride"),
    /**
     * Planes fit their buffers: every plane, from its offset over its extent (pitch times rows, rows rounded up to
     * whole tiles for a tiled plane, the last linear row unpadded), lies within its buffer, and planes that share a
     * buffer do not overlap.
     */
    FMT_5(Level.MUST, Party.FRAMEWORK, "Every plane, from its offset over its extent, lies within its buffer, and planes sharing a buffer do not overlap.", "drm_framebuffer.c: framebuffer_check size; dma-buf-alloc-exchange.rst: offset"),
    /**
     * Buffer handles by index: a descriptor names its buffers by index 0 to n-1, every index used, and holds no buffer
     * object, so that it travels as an immutable value beside the buffers (file descriptors over a socket); an image
     * is given exactly n buffers, open handles of its own system.
     */
    FMT_6(Level.MUST, Party.FRAMEWORK, "A descriptor names its buffers by index 0 to n-1, every index used, and holds no buffer object; an image gets exactly n open buffers of its system.", "dma-buf-alloc-exchange.rst: Import (a handle per plane); SCM_RIGHTS"),
    /**
     * Allocation: an allocator keeps the requested format and size, picks a modifier from the caller's list only
     * (INVALID only if the list has it), and expresses padding only as pitch, offset and buffer size; the caller reads
     * the chosen modifier, offsets and pitches back from the image's descriptor.
     */
    FMT_7(Level.MUST, Party.FRAMEWORK, "An allocation keeps the requested format and size, picks its modifier from the caller's list only, and expresses padding only as pitch, offset and size, which the caller reads back.", "dma-buf-alloc-exchange.rst: Allocation"),
    /**
     * Import matches allocation: an explicit-layout import of buffers the framework allocated as an image must repeat
     * that allocation's format, size, plane count, buffers, offsets, pitches and modifier (an implicit allocation's
     * real modifier may replace INVALID: the upgrade); any other descriptor (LINEAR for a tiled or implicit
     * allocation, chroma offsets computed from an unpadded height) is refused naming the allocated layout.
     */
    FMT_8(Level.MUST, Party.FRAMEWORK, "An explicit-layout import of buffers allocated as an image repeats that allocation's format, size, planes, offsets, pitches and modifier; any other descriptor is refused naming the allocated layout.", "dma-buf-alloc-exchange.rst: Import; height padding"),
    /**
     * Per-plane CPU access: an image's CPU access opens one window per colour plane over the pixel region mapped to
     * the plane's samples (rounded outward for subsampled planes); each window shows the plane's linear view, whatever
     * the modifier: a tiled plane is detiled at begin and retiled at close exactly over the region's bytes, a
     * compressed plane over the region's whole tiles, resolving fast-cleared tiles it writes; metadata planes are not
     * exposed; each window follows the CPU rules (fences, exact region, cache maintenance, closed segments).
     */
    FMT_9(Level.MUST, Party.FRAMEWORK, "An image's CPU access opens one window per colour plane over the region mapped to the plane's samples; each shows the linear view, detiling and retiling exactly the region's bytes (whole tiles of a compressed plane, resolving cleared ones), and follows the CPU rules.", "DMA_BUF_IOCTL_SYNC per plane buffer; dma-buf-alloc-exchange.rst: modifiers"),
    /**
     * Layout-converting jobs: an image copy or fill job reads and writes each image in its real layout (tiles,
     * compression metadata) through the engine's device's mappings; source and destination have the same format and
     * the region fits both, or the job is refused at submission; a fill with zero of whole tiles of a compressed image
     * is a fast clear (metadata only).
     */
    FMT_10(Level.MUST, Party.FRAMEWORK, "An image copy or fill job reads and writes each image in its real layout through the device's mappings, with the same format on both sides and a region that fits both, else it is refused at submission; zero-filling whole compressed tiles is a metadata-only fast clear.", "drm scheduler blits; CCS fast clear"),

    // ---- NEG: format negotiation --------------------------------------------------------------------------------
    /**
     * Intersection: the intersection of format sets keeps a (format, modifier) pair only if every set has it, in the
     * first set's order. INVALID is a modifier like any other: it meets only INVALID, so a set of a driver without
     * explicit modifiers ({INVALID}) and a set with LINEAR have nothing in common; an empty intersection means no
     * shared buffer.
     */
    NEG_1(Level.MUST, Party.FRAMEWORK, "Intersecting format sets keeps a pair only if every set has it, in the first set's order; INVALID meets only INVALID, so an implicit set and a LINEAR set share nothing.", "dma-buf-alloc-exchange.rst: Negotiation, Implicit modifiers; wlroots !2815"),
    /**
     * All implicit or all explicit: every user of one buffer is implicit or every one is explicit. An image allocated
     * with an explicit modifier is neither imported nor attached as INVALID; an implicit image is attached as INVALID
     * only to devices whose implicit layout is the allocation's layout, and may be imported explicitly with that
     * layout (the upgrade); an implicit allocation for several targets needs their implicit layouts to agree.
     */
    NEG_2(Level.MUST, Party.FRAMEWORK, "Every user of one buffer is implicit or every one is explicit: an explicitly allocated image is never used as INVALID, and an implicit one only on devices whose implicit layout is the allocation's, or explicitly with that layout.", "dma-buf-alloc-exchange.rst: Implicit modifiers"),
    /**
     * Device import: a device imports an image for a usage only if it declares the image's (format, modifier) pair
     * for that usage and the layout meets the device's import constraints (pitch, offset and height alignment, which
     * no modifier expresses); a refusal names the pairs the device accepts for the format. An image attachment maps
     * only in a direction its usage allows (TO_DEVICE for sampling and scanout).
     */
    NEG_3(Level.MUST, Party.FRAMEWORK, "A device imports an image for a usage only if it declares the pair for that usage and the layout meets its import constraints, else the refusal names the pairs it accepts; an image attachment maps only in a direction its usage allows.", "KMS IN_FORMATS; EGL/Vulkan modifier queries; dma-buf-alloc-exchange.rst: Import"),
    /**
     * Allocation candidates: an allocation considers, in the caller's order, only modifiers whose layout it knows,
     * that every target imports for its usage, laid out to meet the merged constraints of the request and of every
     * target, in memory it can get (contiguous for a scanout target); when none remains it fails with each
     * candidate's reason and allocates nothing. A target whose device is closed or belongs to another system is
     * refused before any candidate: its buffers could never be attached to it (ATT-7).
     */
    NEG_4(Level.MUST, Party.FRAMEWORK, "An allocation considers only modifiers it can lay out that every target imports, meets the merged constraints of the request and the targets, takes contiguous memory for scanout, and fails with every candidate's reason when none remains.", "gbm_bo_create_with_modifiers2; dma-buf-alloc-exchange.rst: Allocation"),
    /**
     * Negotiation: tries the consumer's tranches in order and within a tranche the modifiers both sides have, in the
     * tranche's order, allocating each candidate for real (a probe allocation never stands in for it), records every
     * candidate it gives up with its rule and reason, and reports the route taken: direct, LINEAR, device blit or CPU
     * copy. A producer, consumer tranche or blitter whose device is closed or belongs to another system is refused
     * before any candidate.
     */
    NEG_5(Level.MUST, Party.FRAMEWORK, "Negotiation tries the consumer's tranches in order and their common modifiers in order, allocating each for real, records every candidate it gives up with its rule and reason, and reports the route: direct, LINEAR, device blit or CPU copy.", "zwp_linux_dmabuf_feedback_v1 tranches; dma-buf-alloc-exchange.rst: Negotiation"),
    /**
     * Copy routes deliver: on a copy route every transfer makes the consumer image hold the producer image's pixels
     * byte for byte, by an image copy job on a device that imports both layouts, or else by the CPU through per-plane
     * windows.
     */
    NEG_6(Level.MUST, Party.FRAMEWORK, "On a copy route every transfer makes the consumer image hold the producer's pixels byte for byte: a blit on a device that imports both layouts, else a CPU copy through per-plane windows.", "dma-buf-alloc-exchange.rst: Negotiation (empty intersection: copy)"),

    // ---- SYNCOBJ: sync objects --------------------------------------------------------------------------------
    /**
     * Binary payload: a binary sync object holds at most one fence; {@code replace} swaps it, {@code reset} removes
     * it, {@code signal} replaces it with a signaled fence, and a point other than 0 is rejected on a binary object.
     */
    SYNCOBJ_1(Level.MUST, Party.FRAMEWORK, "A binary sync object holds at most one fence: replace swaps it, reset removes it, signal replaces it with a signaled fence; every call on a binary object names point 0.", "drm_syncobj.c: drm_syncobj_replace_fence, DRM_IOCTL_SYNCOBJ_RESET / SIGNAL"),
    /**
     * Wait before submit: waiting on a point that has no fence yet fails at once with a rule error unless
     * WAIT_FOR_SUBMIT or WAIT_AVAILABLE is given; with one of them the wait blocks until a fence is attached at or
     * after the point (then, for WAIT_FOR_SUBMIT alone, until it signals).
     */
    SYNCOBJ_2(Level.MUST, Party.FRAMEWORK, "Waiting on a point that has no fence yet fails at once unless WAIT_FOR_SUBMIT or WAIT_AVAILABLE is given; with one of them the wait blocks until a fence is attached at or after the point, and WAIT_AVAILABLE returns as soon as it exists, signaled or not.", "drm_syncobj.c: DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT / WAIT_AVAILABLE"),
    /**
     * Monotonic points: a timeline point is added (signal, import, transfer, engine signal) only if it is later than
     * the timeline's last point; a point at or below it is rejected with a rule error and the timeline is unchanged.
     */
    SYNCOBJ_3(Level.MUST, Party.FRAMEWORK, "Timeline points strictly increase: adding a point not later than the last one is rejected and leaves the timeline unchanged.", "drm_syncobj.c: drm_syncobj_add_point (unordered point warning)"),
    /**
     * Chain semantics: a timeline point has signaled once every point at or below it has (each point is a fence chain
     * node on the previous one); {@code query()} returns the largest point that has signaled in that sense, and a point
     * between two added points is covered by the next added one.
     */
    SYNCOBJ_4(Level.MUST, Party.FRAMEWORK, "A timeline point signals once it and every earlier point have signaled (fence chain semantics); a point between two added points is covered by the next one; query returns the last point signaled in that sense.", "drm_syncobj.c: DRM_IOCTL_SYNCOBJ_QUERY; dma-fence-chain.c"),
    /**
     * Multi-object waits: a wait over several (object, point) pairs returns when all of them are done with WAIT_ALL,
     * else when any is, with the lowest index done; it returns empty when the timeout passes, polls with a zero
     * timeout, rejects a negative one, throws DmaInterruptedException on interrupt and FenceFailedException when a
     * fence it returns for signaled with an error.
     */
    SYNCOBJ_5(Level.MUST, Party.FRAMEWORK, "A wait over several (object, point) pairs returns when all are done with WAIT_ALL, else when any is, with the lowest index done; it returns empty on timeout, polls with a zero timeout, rejects a negative one, and throws on interrupt and on a fence that signaled with an error.", "drm_syncobj.c: drm_syncobj_array_wait_timeout"),
    /**
     * Transfer: copies the fence found at a source point (binary: its fence) to a destination point (binary: replaces
     * its fence) without waiting for it to signal; a source point with no fence is rejected unless WAIT_FOR_SUBMIT,
     * which blocks until it exists.
     */
    SYNCOBJ_6(Level.MUST, Party.FRAMEWORK, "Transfer copies the fence at a source point to a destination point (a binary destination has its fence replaced) without waiting for it to signal; a source point without a fence is rejected unless WAIT_FOR_SUBMIT is given.", "drm_syncobj.c: DRM_IOCTL_SYNCOBJ_TRANSFER"),
    /**
     * Sync-file exchange: exporting a point gives an immutable sync-file snapshot of the fence there (later changes to
     * the object do not reach it); importing a sync file at a point adds a new point every time, even for a fence the
     * object already holds (no deduplication).
     */
    SYNCOBJ_7(Level.MUST, Party.FRAMEWORK, "Exporting a point gives an immutable sync-file snapshot of its fence; importing a sync file at a point adds a new point every time, never deduplicated.", "drm_syncobj.c: drm_syncobj_export_sync_file / import_sync_file_fence"),
    /**
     * Deadlines: a deadline hint given to a container (array, chain, merge, sync file, sync object point) reaches
     * every underlying leaf fence still pending, and a hint for a point not yet submitted is applied to the fence
     * attached there.
     */
    SYNCOBJ_8(Level.MUST, Party.FRAMEWORK, "A deadline hint set on an array, chain, merge, sync file or sync-object point reaches every underlying pending leaf fence; a hint for a point not yet submitted reaches the fence attached there later.", "dma_fence_set_deadline; SYNC_IOC_SET_DEADLINE; DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE"),
    /**
     * Errors: arrays, chains, merges, sync files and sync-object points report the first error among their component
     * fences (in the order the components signaled), and the status ERROR once signaled with one.
     */
    SYNCOBJ_9(Level.MUST, Party.FRAMEWORK, "Arrays, chains, merges, sync files and sync-object points report the first error (in signaling order) among their component fences.", "dma-fence-array.c; dma_fence_get_status"),
    /**
     * Non-blocking readiness: a readiness future or callback of a point, fence or buffer completes exactly once, after
     * the condition holds (for a point not yet submitted, only after a fence exists there), never while a sync
     * object's lock is held; cancelling the future withdraws its wait; closing the object fails pending ones.
     */
    SYNCOBJ_10(Level.MUST, Party.FRAMEWORK, "A readiness future or callback completes exactly once, only after its condition holds (a fence exists at an unsubmitted point first), never under a sync object's lock; cancelling withdraws it and closing the object fails it.", "DRM_IOCTL_SYNCOBJ_EVENTFD; dma_buf_poll"),
    /**
     * Engine semaphores: a job submitted with wait points runs only after a fence exists at each of them and has
     * signaled; a job with signal points has its fence attached at each of them at submission, all or nothing (a
     * point that would go backwards rejects the submission before anything is queued).
     */
    SYNCOBJ_11(Level.MUST, Party.FRAMEWORK, "An engine job with wait points runs only after each point has a fence that signaled; its signal points get the job's fence at submission, all or nothing, before anything is queued if one is rejected.", "vkQueueSubmit wait/signal semaphores; drm_sched + drm_syncobj"),
    /**
     * Closing: a closed sync object rejects every call but close(), which is idempotent; waits and readiness still
     * pending for a point without a fence fail with a ClosedException; fences already attached are unaffected.
     */
    SYNCOBJ_12(Level.MUST, Party.FRAMEWORK, "A closed sync object rejects every call but close(), which is idempotent; waits for points without a fence fail with a closed error; attached fences are unaffected.", "drm_syncobj_free / drm_syncobj_release_handle"),

    // ---- IPC: sharing across processes ------------------------------------------------------------------------
    /**
     * Owned descriptors: every file descriptor the ipc module creates or receives is close-on-exec and owned by one
     * object that closes it exactly once; close is idempotent and, while a system call is using the descriptor, waits
     * for that call to finish so that the number is never reused under it; a closed owner rejects every use; an owner
     * dropped unclosed is closed by the garbage collector and reported with the stack trace of its creation.
     */
    IPC_1(Level.MUST, Party.FRAMEWORK, "A file descriptor the library owns is close-on-exec, closed exactly once (close is idempotent and waits for a system call using it), rejected after close, and closed and reported with its creation site if dropped unclosed.", "close(2), O_CLOEXEC, MSG_CMSG_CLOEXEC; fs/file.c"),
    /**
     * System-call failures: a failing call throws a {@code SyscallException} whose message names the call, the errno
     * (number and name) and the objects involved, and leaves nothing behind: no descriptor, mapping or half-built
     * object.
     */
    IPC_2(Level.MUST, Party.FRAMEWORK, "A failed system call throws an exception naming the call, its errno and the objects involved, and leaves no descriptor, mapping or half-built object behind.", "errno(3); Linker.Option.captureCallState"),
    /**
     * memfd buffers: page-rounded, zeroed (a fresh memfd reads as zeros), sealed with F_SEAL_SHRINK, F_SEAL_GROW and
     * F_SEAL_SEAL before anyone else can see the descriptor, mapped MAP_SHARED, and unmapped and closed once, when
     * the buffer is released.
     */
    IPC_3(Level.MUST, Party.FRAMEWORK, "A memfd buffer is page-rounded, zeroed, sealed against shrinking, growing and further sealing, mapped shared, and unmapped and closed once, at release.", "memfd_create(2), F_ADD_SEALS; udmabuf.c: check_memfd_seals"),
    /**
     * Import checks: importing a descriptor as a buffer checks that it is a memfd (fstat: a regular file) sealed
     * against shrinking and growing (F_GET_SEALS shows F_SEAL_SHRINK and F_SEAL_GROW) whose size equals the announced
     * size; otherwise it is rejected, the descriptor is closed and nothing is mapped.
     */
    IPC_4(Level.MUST, Party.FRAMEWORK, "Importing a descriptor as a buffer checks that it is a memfd sealed against shrinking and growing whose size equals the announced size; otherwise it is rejected, closed and nothing is mapped.", "udmabuf.c: check_memfd_seals; fstat(2)"),
    /**
     * Shared timelines: the value in the shared page only increases and only its creator signals it; a point signals
     * once the value reaches it, with the error recorded for it if it was failed; waiters sleep on a futex and are
     * woken by the signal, never by polling.
     */
    IPC_5(Level.MUST, Party.FRAMEWORK, "A shared timeline's value only increases and only its creator signals it; a point signals when the value reaches it, with the error recorded for it; waiters are woken by futex, not by polling.", "sw_sync.c; futex(2); drm_syncobj timelines"),
    /**
     * Owner death: when the process that signals a timeline dies (pidfd) or its channel hangs up, every point beyond
     * the last value it signaled fails with a {@code PeerGoneException}; points it signaled keep their result.
     */
    IPC_6(Level.MUST, Party.FRAMEWORK, "When a timeline's signalling process dies or its channel hangs up, every pending point beyond its last value fails with a peer-gone error; points already signaled keep their result.", "pidfd_open(2); POLLHUP on AF_UNIX sockets"),
    /**
     * Message validation: a received message is checked before anything acts on it: magic, version, kind, length,
     * descriptor count and kinds, sizes, names and indices. A bad message throws a {@code WireFormatException}, every
     * descriptor that came with it is closed, and the channel stays usable for content errors or is closed cleanly
     * for framing errors.
     */
    IPC_7(Level.MUST, Party.FRAMEWORK, "A received message is validated before use (magic, version, kind, length, descriptor count and kinds, sizes, indices); a bad one is rejected with its descriptors closed, the channel left usable (content error) or closed cleanly (framing error).", "unix(7): SCM_RIGHTS; the Wayland wire format"),
    /**
     * Truncation: a message whose data or ancillary data was truncated by the kernel (MSG_TRUNC, MSG_CTRUNC) is a
     * framing error: the descriptors that did arrive are closed and the channel is closed.
     */
    IPC_8(Level.MUST, Party.FRAMEWORK, "A message truncated by the kernel (MSG_TRUNC or MSG_CTRUNC) is a framing error: the descriptors that arrived are closed and the channel is closed.", "recvmsg(2): MSG_CTRUNC, MSG_TRUNC"),
    /**
     * Pool mode: a pool's descriptors cross once, when the pool is created; each frame then carries only a pool
     * index, acquire points and a release point; the sender hands a pool buffer out again only after the release
     * point of its previous frame signaled, and a frame naming an unknown pool or index is rejected. A closed pool
     * hands out nothing (its buffers are closed with it).
     */
    IPC_9(Level.MUST, Party.FRAMEWORK, "Pool buffers cross once; a frame carries only a pool index and sync points; a pool buffer is handed out again only after its previous release point signaled; a frame naming an unknown pool or index is rejected.", "linux-drm-syncobj-v1; PipeWire buffer pools"),
    /**
     * Remote references: the sending side holds one handle per buffer the peer holds and closes it when the peer
     * reports that its last handle of the buffer closed, or when the peer is gone; so the exporter learns when the
     * remote side is done and nothing leaks on either side.
     */
    IPC_10(Level.MUST, Party.FRAMEWORK, "The sender holds a handle for each buffer the peer holds and closes it when the peer reports its last handle closed or the peer is gone.", "dma-buf fd refcount across processes: fput on close and exit"),
    /**
     * Implicit sync across processes: the acquire points of a received frame are added to its buffer's reservation
     * with WRITE usage before the frame is handed out, and the sender adds the frame's release point with READ usage,
     * so that CPU windows and device jobs on either side wait for the other side's work.
     */
    IPC_11(Level.MUST, Party.FRAMEWORK, "A received frame's acquire points are in its buffer's reservation (WRITE usage) before it is handed out, and the sender puts the release point in its own reservation (READ usage), so access on either side waits for the other.", "DMA_BUF_IOCTL_IMPORT_SYNC_FILE; Wayland explicit sync"),
    /**
     * Release order: a frame's release point signals once the frame and every frame received before it on the same
     * channel were released (the release timeline only moves forward); release is idempotent.
     */
    IPC_12(Level.MUST, Party.FRAMEWORK, "A frame's release point signals once it and every frame received before it on the channel were released; release is idempotent.", "linux-drm-syncobj-v1: release points on a timeline"),
    /**
     * Peer gone: when the peer hangs up, dies or says goodbye, the channel fails the release points the peer still
     * owed, closes the handles it held for the peer, revokes the buffers imported from it and rejects further sends
     * with a {@code PeerGoneException}; the channel's own resources are freed when it is closed.
     */
    IPC_13(Level.MUST, Party.FRAMEWORK, "When the peer is gone, the channel fails the release points it owed, closes the handles held for it, revokes the buffers imported from it and rejects further sends with a peer-gone error.", "dma_buf_attach_revocable; close of a socket on process exit"),
    /**
     * Kernel devices: /dev/udmabuf and /dev/dma_heap/* are probed at run time; an operation that needs an absent
     * device throws an {@code UnsupportedFeatureException} naming the device; DMA_BUF_IOCTL_SYNC flags are checked
     * as {@link #CPU_13 CPU-13} before the ioctl is made.
     */
    IPC_14(Level.MUST, Party.FRAMEWORK, "Kernel dma-buf devices are probed at run time: an operation needing an absent /dev/udmabuf or /dev/dma_heap/* heap fails naming the device, and DMA_BUF_IOCTL_SYNC flags are checked before the ioctl.", "udmabuf.c; dma-heap.c; DMA_BUF_IOCTL_SYNC"),
    /**
     * Readiness eventfds: the eventfd made for a fence, a sync-object point or a buffer's readiness becomes readable
     * once the condition holds, never before, and closing it withdraws the wait.
     */
    IPC_15(Level.MUST, Party.FRAMEWORK, "A readiness eventfd for a fence, sync-object point or buffer becomes readable once its condition holds, never before; closing it withdraws the wait.", "DRM_IOCTL_SYNCOBJ_EVENTFD; eventfd(2)"),
    /**
     * What can cross: only buffers whose memory is a memfd (allocated from a MemfdHeap, or imported from a channel)
     * can be sent to another process; sending another buffer, a closed handle or a buffer of another system is
     * rejected before anything is sent.
     */
    IPC_16(Level.MUST, Party.FRAMEWORK, "Only open handles of memfd-backed buffers (a MemfdHeap's or imported ones) of the channel's system can be sent; anything else is rejected before anything is sent.", "dma_buf_fd: only dma-buf files can be shared"),
    /**
     * Images across processes: an image crosses as its descriptor (fourcc, modifier, width, height, per plane the
     * index of its buffer, offset and pitch) with one descriptor per distinct buffer, in fd-per-frame mode or once per
     * image pool. The receiver builds the descriptor and validates it with the FMT rules against the buffers'
     * announced sizes before it imports any buffer; a descriptor that fails is rejected as a content error: its
     * descriptors closed, nothing imported or mapped, its release point failed, the channel left usable. An accepted
     * image is handed out as an explicit-layout import of the imported buffers, with the same descriptor.
     */
    IPC_17(Level.MUST, Party.FRAMEWORK, "An image crosses as its descriptor plus one descriptor per distinct buffer; the receiver validates the descriptor with the FMT rules before importing anything, rejects a bad one with its descriptors closed and the channel kept, and hands out an explicit-layout import with the same descriptor.", "zwp_linux_buffer_params_v1; dma-buf-alloc-exchange.rst: Import; SCM_RIGHTS"),
    /**
     * Format feedback across processes: a receiver's feedback lists tranches best first, each a device name, a usage
     * and the (format, modifier) pairs it imports in preference order; it is validated on receipt (usage, counts,
     * names), a bad one rejected and the previous kept; the latest accepted feedback replaces the earlier one; the
     * candidates a producer derives from it keep the tranches' order and contain only pairs both sides have.
     */
    IPC_18(Level.MUST, Party.FRAMEWORK, "Format feedback crosses as tranches, best first, of a device name, a usage and its pairs in preference order; it is validated on receipt, the latest accepted one replaces the earlier, and the candidates derived from it keep the tranches' order and only pairs both sides have.", "zwp_linux_dmabuf_feedback_v1: tranches; dma-buf-alloc-exchange.rst: Negotiation"),

    ;

    /** How strongly a rule binds, as in RFC 2119. */
    public enum Level {
        /** An absolute requirement; breaking it is an error the library or the testkit reports. */
        MUST,
        /** A strong recommendation; the library may warn. */
        SHOULD,
        /** Truly optional. */
        MAY
    }

    /** Whom a rule binds. */
    public enum Party {
        /** Code implementing {@link Exporter}. */
        EXPORTER,
        /** Code that attaches to, maps or accesses a buffer: devices, drivers, applications. */
        IMPORTER,
        /** dmabuf4j itself. */
        FRAMEWORK
    }

    private final Level level;
    private final Party binds;
    private final String statement;
    private final String source;

    Rule(Level level, Party binds, String statement, String source) {
        this.level = level;
        this.binds = binds;
        this.statement = statement;
        this.source = source;
    }

    /**
     * The stable, human-readable ID, for example {@code MAP-1}.
     *
     * @return the ID as it appears in messages, javadoc and {@code docs/RULES.md}
     */
    public String id() {
        return name().replace('_', '-');
    }

    /**
     * How strongly the rule binds.
     *
     * @return the level
     */
    public Level level() {
        return level;
    }

    /**
     * Whom the rule binds.
     *
     * @return the party
     */
    public Party binds() {
        return binds;
    }

    /**
     * The rule in one sentence.
     *
     * @return the statement
     */
    public String statement() {
        return statement;
    }

    /**
     * Where the rule comes from: a kernel file, function or document, a public mailing-list discussion, or
     * {@code dmabuf4j addition} for a rule the kernel has no counterpart for.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The family of the rule, for example {@code MAP}.
     *
     * @return the part of the ID before the dash
     */
    public String family() {
        String id = id();
        return id.substring(0, id.indexOf('-'));
    }

    /**
     * Looks a rule up by its ID.
     *
     * @param id an ID such as {@code "MAP-1"}; case-insensitive
     * @return the rule
     * @throws IllegalArgumentException if {@code id} is null or names no rule
     */
    public static Rule byId(String id) {
        if (id == null) {
            throw new IllegalArgumentException("rule id is null");
        }
        try {
            return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no rule with id '" + id + "'; see docs/RULES.md", e);
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
