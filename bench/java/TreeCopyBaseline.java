// Baseline for `./zkm bench copy-strategy`: the official ZooKeeper Java client (Debian's zookeeper.jar) copying a
// subtree without ACLs, the fastest way its API allows: breadth first, each level read with multiRead
// (Op.getData + Op.getChildren, ZOOKEEPER-3141, 3.6+) and written with multi creates (OPEN_ACL_UNSAFE), both
// asynchronous with a window of requests in flight on one session per side (requests of one session are applied
// in order, so a child's create sent after its parent's succeeds).
// Usage: java -cp ... TreeCopyBaseline SOURCE_CONNECT SOURCE_PATH TARGET_CONNECT TARGET_PATH
// Prints "RESULT znodes N", "RESULT seconds S" and "RESULT copy ZNODES_PER_SECOND".
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public final class TreeCopyBaseline {
    private static final int IN_FLIGHT = 16;
    private static final int PATHS_PER_READ = 250;
    private static final int CREATES_PER_MULTI = 500;

    public static void main(String[] args) throws Exception {
        ZooKeeper source = connect(args[0]);
        ZooKeeper target = connect(args[2]);
        String from = args[1];
        String to = args[3];
        long start = System.nanoTime();
        byte[] rootData = source.getData(from, false, null);
        target.create(to, rootData, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        long copied = 1;
        Window writes = new Window();
        List<String> level = List.of(from);
        while (!level.isEmpty()) {
            List<String> next = new ArrayList<>();
            List<Op> creates = new ArrayList<>();
            for (Level read : readLevel(source, level)) {
                for (int i = 0; i < read.paths.size(); i++) {
                    String path = read.paths.get(i);
                    if (!path.equals(from)) {
                        creates.add(Op.create(to + path.substring(from.length()), read.data.get(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                    }
                    for (String child : read.children.get(i)) {
                        next.add(path.equals("/") ? "/" + child : path + "/" + child);
                    }
                }
            }
            for (int i = 0; i < creates.size(); i += CREATES_PER_MULTI) {
                writes.multi(target, creates.subList(i, Math.min(creates.size(), i + CREATES_PER_MULTI)));
            }
            copied += creates.size();
            level = next;
        }
        writes.drain();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println("RESULT znodes " + copied);
        System.out.println("RESULT seconds " + seconds);
        System.out.println("RESULT copy " + copied / seconds);
        source.close();
        target.close();
    }

    private static final class Level {
        final List<String> paths;
        final List<byte[]> data = new ArrayList<>();
        final List<List<String>> children = new ArrayList<>();

        Level(List<String> paths) {
            this.paths = paths;
        }
    }

    /** Reads every path of one level: a multiRead of getData + getChildren per PATHS_PER_READ paths, IN_FLIGHT at once. */
    private static List<Level> readLevel(ZooKeeper zk, List<String> paths) throws Exception {
        List<Level> reads = new ArrayList<>();
        Window window = new Window();
        for (int i = 0; i < paths.size(); i += PATHS_PER_READ) {
            Level read = new Level(paths.subList(i, Math.min(paths.size(), i + PATHS_PER_READ)));
            reads.add(read);
            List<Op> ops = new ArrayList<>();
            for (String path : read.paths) {
                ops.add(Op.getData(path));
                ops.add(Op.getChildren(path));
            }
            window.acquire();
            zk.multi(ops, (rc, p, ctx, results) -> {
                if (rc != 0) {
                    window.fail(KeeperException.create(KeeperException.Code.get(rc)));
                } else {
                    for (int r = 0; r < results.size(); r += 2) {
                        read.data.add(((OpResult.GetDataResult) results.get(r)).getData());
                        read.children.add(((OpResult.GetChildrenResult) results.get(r + 1)).getChildren());
                    }
                }
                window.release();
            }, null);
        }
        window.drain();
        return reads;
    }

    /** Requests in flight, at most IN_FLIGHT; the first failure is thrown at the drain. */
    private static final class Window {
        private final Semaphore slots = new Semaphore(IN_FLIGHT);
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        void acquire() throws InterruptedException {
            slots.acquire();
        }

        void release() {
            slots.release();
        }

        void fail(Exception e) {
            failure.compareAndSet(null, e);
        }

        void multi(ZooKeeper zk, List<Op> ops) throws InterruptedException {
            acquire();
            zk.multi(new ArrayList<>(ops), (rc, p, ctx, results) -> {
                if (rc != 0) {
                    fail(KeeperException.create(KeeperException.Code.get(rc)));
                }
                release();
            }, null);
        }

        void drain() throws Exception {
            slots.acquire(IN_FLIGHT);
            slots.release(IN_FLIGHT);
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }

    private static ZooKeeper connect(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no session within 30 s: " + connect);
        }
        return zk;
    }
}
