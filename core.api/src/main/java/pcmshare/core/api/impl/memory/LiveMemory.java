package pcmshare.core.api.impl.memory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Buffer memory made by the platform allocators and not yet freed by its last holder: the core's leak count. */
public final class LiveMemory {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final AtomicLong BYTES = new AtomicLong();

    private LiveMemory() {
    }

    static void allocated(long bytes) {
        COUNT.incrementAndGet();
        BYTES.addAndGet(bytes);
    }

    static void freed(long bytes) {
        COUNT.decrementAndGet();
        BYTES.addAndGet(-bytes);
    }

    public static int count() {
        return COUNT.get();
    }

    public static long bytes() {
        return BYTES.get();
    }
}
