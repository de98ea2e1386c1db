package org.dmabuf4j.core;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Rule;

/**
 * An asynchronous DMA engine of a {@link SimulatedDevice}: a queue of {@link Job}s run in submission order on the
 * engine's own thread, each completing a fence of the engine's context (a drm scheduler entity and its ring, in
 * kernel terms).
 *
 * <p>Submission is implicit synchronisation as the kernel does it: the engine locks the reservations of the buffers
 * the job touches (deadlock-free, like drm_exec), takes as dependencies the fences a writer must wait for
 * ({@link org.dmabuf4j.api.FenceUsage#READ}: readers, writers and kernel work) or a reader must wait for
 * ({@link org.dmabuf4j.api.FenceUsage#WRITE}), adds the job's fence to every buffer it writes with WRITE usage and to
 * every buffer it only reads with READ usage, and unlocks. So a CPU window opened after the submission waits for the
 * job ({@link Rule#CPU_2 CPU-2}), and a later job on any engine waits for it too. Explicit dependencies
 * ({@link Job#after}) are waited for as well ({@link Rule#DEV_8 DEV-8}).
 *
 * <p>The engine thread waits for every dependency (spinning briefly, then parked), then moves the bytes through the
 * device's IOMMU by DMA address, as {@link SimulatedDevice#dmaRead} and {@link SimulatedDevice#dmaWrite} do: a mapping
 * unmapped or invalidated since the submission faults, the job's fence fails with the
 * {@link org.dmabuf4j.api.IommuFaultException}, and no byte is moved through it ({@link Rule#DEV_8 DEV-8}). A
 * dependency that signaled with an error fails the job without running it, with that error as cause. Device access goes
 * to memory, never to the CPU's simulated cache: on a non-coherent device, the CPU side's begin/close maintenance makes
 * the data meet. Completion runs on a fence signaling path and never takes a reservation lock
 * ({@link Rule#FENCE_4 FENCE-4}).
 *
 * <p>The thread starts on the first submission and ends when the device closes; jobs still pending then fail their
 * fences with a {@link org.dmabuf4j.api.ClosedException} ({@link Rule#DEV_7 DEV-7}).
 *
 * <pre>
 *   Fence done = camera.engine().submit(Job.fill(mapping, 0, mapping.size(), (byte) 0x80));
 *   try (CpuAccess w = frame.beginCpuAccess(Access.READ)) { ... }   // waits for the fill: no explicit wait needed
 * </pre>
 */
public interface DeviceEngine {
    /**
     * The engine's name, unique on its device ({@code "engine0"}, {@code "engine1"}, ...); also the timeline name of
     * its fences, whose driver name is the device's name.
     *
     * @return the name
     */
    String name();

    /**
     * The device the engine belongs to.
     *
     * @return the device
     */
    SimulatedDevice device();

    /**
     * The engine's fence context: its jobs' fences carry it, with seqnos increasing in submission order
     * ({@link Rule#FENCE_6 FENCE-6}).
     *
     * @return the context
     */
    long context();

    /**
     * A new submission queue on this engine, with its own fence context: a drm_sched entity, or a Vulkan queue of a
     * client sharing the engine with others. The engine runs the jobs of each queue in order (their fences signal in
     * seqno order, {@link Rule#FENCE_6 FENCE-6}) and chooses between queues by deadline ({@link Rule#DEV_10 DEV-10}):
     * the queue whose queued jobs carry the soonest deadline hint ({@link Rule#SYNCOBJ_8 SYNCOBJ-8},
     * {@link Fence#setDeadline}) runs first, else the queue with the oldest job. So a compositor's deadline on one
     * client's frame lets that client's queue overtake another client's backlog, while one queue's own jobs are never
     * reordered. The engine's own {@link #submit} queue is one of them.
     *
     * <pre>
     *   DeviceEngine clientA = gpu.engine().newQueue("client-a");
     *   DeviceEngine clientB = gpu.engine().newQueue("client-b");
     *   Fence frame = clientB.submit(job);
     *   frame.setDeadline(vblank);          // clientB's queue now runs before clientA's older jobs
     * </pre>
     *
     * @param name the queue's name, for its fences' timeline; not blank
     * @return the queue; it shares this engine's device, thread and lifetime ({@link Rule#DEV_7 DEV-7})
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_10 DEV-10}) on a null or blank name
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#DEV_7 DEV-7}) if the device is closed
     * @see "drm_sched_entity_init"
     */
    DeviceEngine newQueue(String name);

    /**
     * Queues a job behind its implicit and explicit dependencies ({@link Rule#DEV_8 DEV-8}). Thread-safe. Called
     * without holding the reservation lock of any buffer the job touches (the engine takes them), and not from a fence
     * callback ({@link Rule#FENCE_4 FENCE-4}).
     *
     * @param job the job; its mappings are of attachments to this engine's device; not null
     * @return the job's fence: signals when the job is done, fails with the fault or the failed dependency's error;
     *     only the engine completes it (it is not a {@link org.dmabuf4j.api.SignalingFence})
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#DEV_8 DEV-8}) if the job is null, a mapping is of
     *     another device or does not allow the job's direction ({@link Rule#DEV_4 DEV-4}), a heap segment cannot be
     *     reached from the engine's thread, or the caller holds a reservation lock the job needs;
     *     ({@link Rule#FENCE_4 FENCE-4}) on a fence's signaling path; nothing is queued
     * @throws org.dmabuf4j.api.InvalidatedMappingException ({@link Rule#MAP_11 MAP-11}, {@link Rule#MOVE_5 MOVE-5}) if
     *     a mapping is already dead; nothing is queued
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#DEV_7 DEV-7}) if the device is closed,
     *     ({@link Rule#ATT_4 ATT-4}) if an attachment is detached; nothing is queued
     */
    Fence submit(Job job);

    /**
     * Queues a job with semaphore lists, as Vulkan's queue submit ({@link Rule#SYNCOBJ_11 SYNCOBJ-11}): the job also
     * waits for every wait point (a point not yet submitted is waited for on the engine's thread, Vulkan's
     * wait-before-signal, so the engine's later jobs queue behind it), and its fence is attached at every signal point
     * at submission, all or nothing. Otherwise as {@link #submit(Job)}.
     *
     * <pre>
     *   Fence done = engine.submit(job, List.of(new SyncPoint(acquire, frame)), List.of(new SyncPoint(release,
     *   frame)));
     * </pre>
     *
     * @param job the job; not null
     * @param waits the (sync object, point) pairs to wait for; not null, elements not null
     * @param signals the pairs to attach the job's fence at; timeline points later than each object's last point
     *     ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}), in increasing order for one object; not null, elements not null
     * @return the job's fence
     * @throws org.dmabuf4j.api.RuleViolationException ({@link Rule#SYNCOBJ_11 SYNCOBJ-11}) on a null list or element or
     *     a foreign sync object, ({@link Rule#SYNCOBJ_3 SYNCOBJ-3}) if a signal point goes backwards, and as
     *     {@link #submit(Job)}; nothing is queued or attached
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#SYNCOBJ_12 SYNCOBJ-12}) if a sync object is closed, and as
     *     {@link #submit(Job)}; nothing is queued or attached
     * @see "vkQueueSubmit2: pWaitSemaphoreInfos, pSignalSemaphoreInfos"
     */
    Fence submit(Job job, java.util.List<org.dmabuf4j.api.SyncPoint> waits,
            java.util.List<org.dmabuf4j.api.SyncPoint> signals);

    /**
     * The soonest deadline hinted ({@link Rule#SYNCOBJ_8 SYNCOBJ-8}) on the fence of a job queued or running on this
     * engine: what a deadline set on any container over the job's fence reaches.
     *
     * @return the deadline on the {@link System#nanoTime()} clock, or empty if no pending job has one
     * @see "drm_sched_fence_set_deadline_finished"
     */
    java.util.OptionalLong earliestDeadline();

    /**
     * The number of jobs submitted and not yet completed (queued, waiting for dependencies or running).
     *
     * @return the count
     */
    int pendingJobs();
}
