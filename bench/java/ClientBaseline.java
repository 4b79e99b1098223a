// Baseline for `./zkm bench client`: the official ZooKeeper Java client (Debian's zookeeper.jar) doing the same
// three measurements as ClientBenchmark.cs, against the server the benchmark started.
// Usage: java -cp ... ClientBaseline CONNECT_STRING SECONDS
// Prints one line per measurement: "RESULT name value".
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public final class ClientBaseline {
    private static final int GET_IN_FLIGHT = 1000;
    private static final int MULTI_IN_FLIGHT = 16;
    private static final int CREATES_PER_MULTI = 1000;
    private static final int READS_PER_MULTI = 500;

    public static void main(String[] args) throws Exception {
        String connect = args[0];
        double seconds = Double.parseDouble(args[1]);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no session within 30 s");
        }
        String root = "/java-bench";
        zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/get", new byte[16], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        // Warm-up of the JIT, as the .NET side warms up too.
        getData(zk, root + "/get", 1.0);
        long cpu = cpuNanos();
        double rate = getData(zk, root + "/get", seconds);
        System.out.println("RESULT getData " + rate);
        System.out.println("RESULT getData.cpu " + (cpuNanos() - cpu) / 1000.0 / (rate * seconds));
        long[] created = new long[1];
        cpu = cpuNanos();
        rate = multiCreate(zk, root + "/c", seconds, created);
        System.out.println("RESULT multiCreate " + rate);
        System.out.println("RESULT multiCreate.cpu " + (cpuNanos() - cpu) / 1000.0 / created[0]);
        cpu = cpuNanos();
        rate = multiRead(zk, root + "/c", created[0], seconds);
        System.out.println("RESULT multiRead " + rate);
        System.out.println("RESULT multiRead.cpu " + (cpuNanos() - cpu) / 1000.0 / (rate * seconds));
        zk.close();
    }

    private static double getData(ZooKeeper zk, String path, double seconds) throws InterruptedException {
        Semaphore window = new Semaphore(GET_IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AsyncCallback.DataCallback callback = (rc, p, ctx, data, stat) -> {
            if (rc != 0) {
                failed.incrementAndGet();
            }
            done.incrementAndGet();
            window.release();
        };
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            window.acquire();
            zk.getData(path, false, callback, null);
        }
        window.acquire(GET_IN_FLIGHT);
        check(failed);
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double multiCreate(ZooKeeper zk, String parent, double seconds, long[] created) throws InterruptedException {
        Semaphore window = new Semaphore(MULTI_IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AsyncCallback.MultiCallback callback = (rc, p, ctx, results) -> {
            if (rc != 0) {
                failed.incrementAndGet();
            } else {
                done.addAndGet(results.size());
            }
            window.release();
        };
        byte[] data = new byte[16];
        long next = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            List<Op> ops = new ArrayList<>(CREATES_PER_MULTI);
            for (int i = 0; i < CREATES_PER_MULTI; i++) {
                ops.add(Op.create(parent + "/n" + (next++), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            }
            window.acquire();
            zk.multi(ops, callback, null);
        }
        window.acquire(MULTI_IN_FLIGHT);
        check(failed);
        created[0] = next;
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double multiRead(ZooKeeper zk, String parent, long count, double seconds) throws InterruptedException {
        Semaphore window = new Semaphore(MULTI_IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AsyncCallback.MultiCallback callback = (rc, p, ctx, results) -> {
            if (rc != 0) {
                failed.incrementAndGet();
            } else {
                for (OpResult r : results) {
                    if (r instanceof OpResult.ErrorResult) {
                        failed.incrementAndGet();
                    }
                }
                done.addAndGet(results.size());
            }
            window.release();
        };
        long next = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            List<Op> ops = new ArrayList<>(READS_PER_MULTI);
            for (int i = 0; i < READS_PER_MULTI; i++) {
                ops.add(Op.getData(parent + "/n" + (next++ % count)));
            }
            window.acquire();
            zk.multi(ops, callback, null);
        }
        window.acquire(MULTI_IN_FLIGHT);
        check(failed);
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** CPU time of this whole JVM (client threads, JIT, GC), as the .NET side measures its whole process. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void check(AtomicLong failed) {
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " requests failed");
        }
    }
}
