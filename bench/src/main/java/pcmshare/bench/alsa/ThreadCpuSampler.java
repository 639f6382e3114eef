package pcmshare.bench.alsa;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * CPU time of this JVM's threads over a window, from {@link ThreadMXBean}: a
 * thread samples every thread's CPU time every {@link #INTERVAL_NANOS}, and keeps
 * per thread the first and last value seen. A thread born in the window counts from
 * 0; one that ends in it loses at most its last interval (the JVM cannot say the CPU
 * of a thread that has ended). GC and JIT threads are not Java threads: they are
 * in the process's /proc figures only.
 */
final class ThreadCpuSampler implements AutoCloseable {

    static final long INTERVAL_NANOS = 50_000_000L;

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, long[]> cpu = new HashMap<>(); // id -> {first, last}
    private final Map<Long, String> names = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    ThreadCpuSampler() {
        if (mx.isThreadCpuTimeSupported() && !mx.isThreadCpuTimeEnabled()) {
            mx.setThreadCpuTimeEnabled(true);
        }
        sample(true);
        thread = Thread.ofPlatform().name("bench-thread-cpu-sampler").daemon().start(this::run);
    }

    static boolean supported() {
        return ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported();
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(INTERVAL_NANOS);
            sample(false);
        }
    }

    private synchronized void sample(boolean first) {
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns < 0) {
                continue;
            }
            long[] v = cpu.get(t.getThreadId());
            if (v == null) {
                // a thread present at the start counts from there; one born since, from 0
                cpu.put(t.getThreadId(), new long[] {first ? ns : 0, ns});
                names.put(t.getThreadId(), t.getThreadName());
            } else {
                v[1] = ns;
            }
        }
    }

    /** Takes a last sample and stops. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample(false);
    }

    /** CPU nanoseconds in the window of the threads whose names match. */
    synchronized long nanos(Predicate<String> name) {
        long sum = 0;
        for (var e : cpu.entrySet()) {
            if (name.test(names.get(e.getKey()))) {
                sum += e.getValue()[1] - e.getValue()[0];
            }
        }
        return sum;
    }
}
