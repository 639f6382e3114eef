package pcmshare.sharing.dmabuf;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import pcmshare.core.api.errno.Errno;
import pcmshare.core.api.errno.ErrnoException;
import pcmshare.core.api.fence.Fences;
import pcmshare.core.api.fence.Reservation;
import pcmshare.core.api.fence.SyncFile;
import pcmshare.core.api.memory.Memfd;
import pcmshare.core.api.memory.Seal;
import pcmshare.core.api.memory.SharedMemory;
import pcmshare.core.api.pcm.Direction;
import pcmshare.core.api.pcm.PcmCapability;
import pcmshare.core.api.pcm.PcmMapping;
import pcmshare.core.api.pcm.PcmState;
import pcmshare.core.api.pcm.PcmSubstream;
import pcmshare.core.api.sharing.ExportInfo;
import pcmshare.core.api.sharing.dmabuf.DmaBuf;
import pcmshare.core.api.sharing.dmabuf.DmaBufExporter;

/**
 * One exported buffer (struct dma_buf): its memory, name, reservation and the
 * references on it. The memory is let go exactly once, when the last reference
 * (handle, imported dma-buf, mmap) is dropped.
 */
final class Export {
    /** Something that holds the buffer, named for listings. */
    interface Holder {
        String holder();
    }

    final DmabufExporter owner;
    final long id;
    final long size;
    final String source;
    final Reservation reservation;
    /** What importers get of {@link #reservation}: no KERNEL or BOOKKEEP fences. */
    final Reservation importerReservation;
    private final MemorySegment segment;
    private final SharedMemory memory;
    private final PcmMapping mapping;
    private final PcmSubstream substream;
    private final CapturePeriods periods;
    // guarded by this
    private final List<Holder> holders = new ArrayList<>();
    private String name = "";
    private boolean freed;

    private Export(DmabufExporter owner, long id, String source, SharedMemory memory, PcmMapping mapping,
            PcmSubstream substream, CapturePeriods periods, Reservation reservation, Fences fences) {
        this.owner = owner;
        this.id = id;
        this.source = source;
        this.memory = memory;
        this.mapping = mapping;
        this.substream = substream;
        this.periods = periods;
        this.reservation = reservation;
        this.importerReservation = new ImporterReservation(reservation, fences);
        this.segment = memory.segment();
        this.size = memory.byteSize();
    }

    static Export ofMemory(DmabufExporter owner, long id, SharedMemory memory, Fences fences) {
        checkSeals(memory);
        SharedMemory held;
        try {
            held = memory.retain();
        } catch (ErrnoException e) {
            throw new ErrnoException(Errno.EINVAL, "export", "freed", memory.name(),
                    "the memory was already freed, nothing left to share", e);
        }
        return new Export(owner, id, "memory:" + held.name(), held, null, null, null, fences.newReservation(),
                fences);
    }

    /**
     * As udmabuf_create: a memfd that its writer may still shrink is refused (EINVAL),
     * since every importer's mapping would fault on the pages cut off.
     */
    private static void checkSeals(SharedMemory memory) {
        Optional<Memfd> memfd;
        try {
            memfd = memory.memfd();
        } catch (ErrnoException e) {
            return; // a freed memory is refused below, naming that
        }
        if (memfd.isPresent()) {
            Set<Seal> seals = memfd.get().seals();
            if (!seals.contains(Seal.SHRINK)) {
                throw new ErrnoException(Errno.EINVAL, "export", seals, memory.name(),
                        "memfd lacks F_SEAL_SHRINK: its writer could shrink it under every importer's mapping");
            }
        }
    }

    static Export ofSubstream(DmabufExporter owner, long id, PcmSubstream substream, Fences fences) {
        String source = "pcm:" + substream.cardId() + "," + substream.device() + ","
                + (substream.direction() == Direction.CAPTURE ? "c" : "p") + substream.subdevice();
        // the mapping pins the ring buffer: no hw_params/hw_free while exported, and it outlives close
        PcmMapping mapping = substream.map();
        Reservation reservation = fences.newReservation();
        CapturePeriods periods = null;
        try {
            if (substream.direction() == Direction.CAPTURE) {
                periods = CapturePeriods.start(substream, fences, reservation, source + "#" + id);
            }
        } catch (RuntimeException e) {
            mapping.close();
            throw e;
        }
        return new Export(owner, id, source, mapping.memory(), mapping, substream, periods, reservation,
                fences);
    }

    /** The export failed before anyone held it. */
    void abandon() {
        synchronized (this) {
            if (freed || !holders.isEmpty()) {
                return;
            }
            freed = true;
        }
        free();
    }

    Handle newHandle(String holder) {
        Handle h = new Handle(this, holder == null ? "" : holder);
        retain(h, "export");
        return h;
    }

    /** Takes a reference for {@code h}; EBADF once freed. */
    synchronized void retain(Holder h, String operation) {
        if (freed) {
            throw new ErrnoException(Errno.EBADF, operation, "released", h.holder(),
                    "dma-buf #" + id + " (" + source + ") was released");
        }
        holders.add(h);
    }

    /** Takes a reference for {@code h} on behalf of {@code from}, which must still hold one (EBADF). */
    synchronized void retainVia(Holder from, Holder h, String operation) {
        if (!holds(from)) {
            throw new ErrnoException(Errno.EBADF, operation, "released", from.holder(),
                    from + " was released: it holds no reference on dma-buf #" + id);
        }
        holders.add(h);
    }

    /** Drops the reference of {@code h}; frees on the last. Returns false when {@code h} held none. */
    boolean release(Holder h) {
        synchronized (this) {
            if (!removeIdentical(h)) {
                return false;
            }
            if (!holders.isEmpty()) {
                return true;
            }
            freed = true;
        }
        free();
        return true;
    }

    private boolean removeIdentical(Holder h) {
        for (int i = 0; i < holders.size(); i++) {
            if (holders.get(i) == h) {
                holders.remove(i);
                return true;
            }
        }
        return false;
    }

    synchronized boolean holds(Holder h) {
        for (Holder x : holders) {
            if (x == h) {
                return true;
            }
        }
        return false;
    }

    /** Runs once: outside the monitor, since closing a substream mapping takes the stream lock. */
    private void free() {
        try {
            if (periods != null) {
                substream.removePeriodListener(periods);
                periods.close();
            }
        } finally {
            owner.freed(this);
            if (mapping != null) {
                mapping.close();
            } else {
                memory.release();
            }
        }
    }

    synchronized int refCount() {
        return holders.size();
    }

    synchronized boolean isFreed() {
        return freed;
    }

    MemorySegment segment() {
        return segment;
    }

    synchronized String name() {
        return name;
    }

    void setName(String newName, String holder) {
        if (newName == null) {
            throw new ErrnoException(Errno.EINVAL, "set_name", stateLabel(), null, "name is null");
        }
        if (newName.indexOf('\0') >= 0) {
            throw new ErrnoException(Errno.EINVAL, "set_name", stateLabel(), newName,
                    "a name is a C string: it cannot contain NUL");
        }
        int bytes = newName.getBytes(StandardCharsets.UTF_8).length;
        // strndup_user(buf, DMA_BUF_NAME_LEN) counts the terminating NUL
        if (bytes + 1 > DmaBuf.NAME_LEN) {
            throw new ErrnoException(Errno.EINVAL, "set_name", stateLabel(), newName,
                    bytes + " bytes and a NUL exceed DMA_BUF_NAME_LEN " + DmaBuf.NAME_LEN + " (set by " + holder + ")");
        }
        synchronized (this) {
            name = newName;
        }
    }

    private String stateLabel() {
        return substream == null ? "exported" : substream.state().toString();
    }

    // ---------------------------------------------------------------- CPU access

    static void checkSyncFlags(String operation, int flags) {
        if ((flags & ~DmaBuf.SYNC_RW) != 0) {
            throw new ErrnoException(Errno.EINVAL, operation, null, flags,
                    "flags other than SYNC_READ and SYNC_WRITE: 0x" + Integer.toHexString(flags));
        }
        if ((flags & DmaBuf.SYNC_RW) == 0) {
            throw new ErrnoException(Errno.EINVAL, operation, null, flags, "neither SYNC_READ nor SYNC_WRITE");
        }
    }

    /** Seed 000: no cache sync under a running DMA engine, unless the buffer is coherent. */
    void checkCpuAccessAllowed(String operation, int flags) {
        if (substream == null) {
            return;
        }
        PcmState state = substream.state();
        if ((state == PcmState.RUNNING || state == PcmState.DRAINING)
                && !substream.constraints().has(PcmCapability.COHERENT_BUFFER)) {
            throw new ErrnoException(Errno.EBUSY, operation, state, flags,
                    "the exporting substream " + source + " is " + state
                            + " and its driver does not declare COHERENT_BUFFER");
        }
    }

    /**
     * Waits for the conflicting fences present now, a snapshot as EXPORT_SYNC_FILE
     * takes. The kernel's dma_resv_wait_timeout also waits for fences added while
     * it waits; here a running capture adds the next period's fence as each one
     * completes, and a reader chasing them would never get in.
     */
    boolean awaitForCpu(int flags, long timeout, TimeUnit unit) {
        SyncFile conflicts = reservation.exportSyncFile(flags);
        try {
            if (timeout == Long.MAX_VALUE) {
                conflicts.fence().await();
                return true;
            }
            return conflicts.await(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "begin_cpu_access", stateLabel(), flags,
                    "interrupted while waiting for the reservation's fences");
        }
    }

    CapturePeriods periods() {
        return periods;
    }

    synchronized ExportInfo info() {
        String label = name.isEmpty() ? source : source + " \"" + name + "\"";
        return new ExportInfo(DmaBufExporter.TYPE, id, label, size, holders.size(),
                holders.stream().map(Holder::holder).toList());
    }

    @Override
    public String toString() {
        return "dmabuf#" + id + "[" + source + "]";
    }
}
