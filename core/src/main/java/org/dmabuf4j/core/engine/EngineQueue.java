package org.dmabuf4j.core.engine;

import java.util.List;
import java.util.OptionalLong;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.SyncPoint;
import org.dmabuf4j.core.DeviceEngine;
import org.dmabuf4j.core.Job;
import org.dmabuf4j.core.SimulatedDevice;

/**
 * A submission queue of an engine other than its own (a drm_sched entity): jobs run in its order on the engine's
 * thread and complete fences of the queue's own context; the engine chooses between its queues (DEV-10).
 */
final class EngineQueue implements DeviceEngine {
    private final EngineImpl engine;
    private final EngineImpl.Entity entity;

    EngineQueue(EngineImpl engine, EngineImpl.Entity entity) {
        this.engine = engine;
        this.entity = entity;
    }

    @Override
    public String name() {
        return entity.name;
    }

    @Override
    public SimulatedDevice device() {
        return engine.device();
    }

    @Override
    public long context() {
        return entity.issuer.id();
    }

    @Override
    public DeviceEngine newQueue(String name) {
        return engine.newQueue(name);
    }

    @Override
    public Fence submit(Job job) {
        return engine.submitTo(entity, job, List.of(), List.of());
    }

    @Override
    public Fence submit(Job job, List<SyncPoint> waits, List<SyncPoint> signals) {
        return engine.submitTo(entity, job, waits, signals);
    }

    @Override
    public OptionalLong earliestDeadline() {
        return engine.earliestDeadline(entity);
    }

    @Override
    public int pendingJobs() {
        return engine.pendingJobs(entity);
    }

    @Override
    public String toString() {
        return "queue '" + entity.name + "' of " + engine;
    }
}
