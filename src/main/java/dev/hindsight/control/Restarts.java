package dev.hindsight.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Servers the control plane stops and starts on purpose (a new tier, a new listen address). The
 * supervisor must not start one of them while it is down for that: two starts race for the
 * data directory and the second one fails the change. One lock per server name: the change holds
 * it throughout, the supervisor only acts when it can take it at once.
 */
public final class Restarts {
    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Runs a change that may restart the server, with the supervisor kept off it. */
    public <T> T during(String server, Supplier<T> change) {
        ReentrantLock lock = lockOf(server);
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the supervisor's check-and-start unless a change holds the server; says whether it ran. */
    public boolean unlessRestarting(String server, Runnable check) {
        ReentrantLock lock = lockOf(server);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            check.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockOf(String server) {
        return locks.computeIfAbsent(server, n -> new ReentrantLock());
    }
}
