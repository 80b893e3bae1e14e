package dev.keelson.api.controller;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a level-triggered controller: it runs one pass, then waits until it is woken
 * (a watch event arrived) or the period is over, and runs the next; wake-ups that arrive during
 * a pass coalesce into one more pass. A failed pass is logged and the next one tries again.
 */
public final class ControllerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerLoop.class);

  private final String name;
  private final Runnable pass;
  private final long periodMs;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean closed;
  private Thread thread;

  /** @param name the thread's name, also in the log lines of failed passes */
  public ControllerLoop(String name, Runnable pass, long periodMs) {
    this.name = name;
    this.pass = pass;
    this.periodMs = periodMs;
  }

  public ControllerLoop start() {
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Asks for another pass soon (a watch's wake-up callback). */
  public void wake() {
    wake.release();
  }

  private void loop() {
    while (!closed) {
      try {
        pass.run();
      } catch (RuntimeException e) {
        LOG.warn("[{}] pass failed", name, e);
      }
      try {
        if (wake.tryAcquire(periodMs, TimeUnit.MILLISECONDS)) {
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
