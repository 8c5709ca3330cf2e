package dev.hearth.driver.dht22.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time, standing in for the core's shared scheduler: tasks run in the
 * test's thread when {@link #advance} passes their time, so timing (2 s apart, retry delays,
 * power-off time) is asserted exactly and no test waits. Only {@code schedule(Runnable, ...)},
 * {@code scheduleAtFixedRate} and {@code execute} are supported, which is what the drivers use.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long nowMillis;
    private long sequence;
    private final Instant epoch;

    ManualScheduler(Instant epoch) {
        this.epoch = epoch;
    }

    long nowMillis() {
        return nowMillis;
    }

    long nanos() {
        return nowMillis * 1_000_000L;
    }

    Clock clock() {
        ManualScheduler s = this;
        return new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return epoch.plusMillis(s.nowMillis); }
        };
    }

    int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    /** Runs every task due within the next {@code millis}, in time order, moving the clock to each. */
    void advance(long millis) {
        long end = nowMillis + millis;
        while (true) {
            Task t = queue.peek();
            if (t == null || t.due > end) break;
            queue.poll();
            if (t.cancelled) continue;
            nowMillis = Math.max(nowMillis, t.due);
            if (t.period > 0) {
                t.due = nowMillis + t.period;
                queue.add(t);
            } else {
                t.done = true;
            }
            t.run.run();
        }
        nowMillis = end;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(command, nowMillis + Math.max(0, unit.toMillis(delay)), 0, sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Task t = new Task(command, nowMillis + unit.toMillis(initialDelay), unit.toMillis(period), sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override public void shutdown() { }
    @Override public List<Runnable> shutdownNow() { return new ArrayList<>(); }
    @Override public boolean isShutdown() { return false; }
    @Override public boolean isTerminated() { return false; }
    @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable run;
        long due;
        final long period;
        final long seq;
        boolean cancelled;
        boolean done;

        Task(Runnable run, long due, long period, long seq) {
            this.run = run;
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        @Override public long getDelay(TimeUnit unit) { return unit.convert(due - nowMillis, TimeUnit.MILLISECONDS); }
        @Override public int compareTo(Delayed o) { return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS)); }
        @Override public boolean cancel(boolean mayInterrupt) { boolean was = !cancelled && !done; cancelled = true; return was; }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public boolean isDone() { return done || cancelled; }
        @Override public Object get() { return null; }
        @Override public Object get(long timeout, TimeUnit unit) { return null; }
    }
}
