package io.bulwark.gateway.edge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The callers' buckets, at most {@code maxCallers} of them (plus one per request being admitted at
 * that moment). When a new caller finds the table full, a sweep makes room: first it drops every
 * bucket that has refilled (a caller dropped with a full bucket loses nothing, as it would get a
 * full one anyway), then, if that freed less than a tenth of the table, the buckets with the most
 * left, until a tenth is free. So a caller that has used up its limit keeps its count however many
 * others arrive, unless more than {@code maxCallers} callers are all further spent than it; and the
 * sweeps, each a sort of the table, come at most once per tenth of it.
 */
final class Allowances {

  private final int maxCallers;
  private final long capacity;
  private final long periodNanos;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final ReentrantLock sweeping = new ReentrantLock();

  Allowances(int maxCallers, long capacity, long periodNanos) {
    this.maxCallers = Math.max(1, maxCallers);
    this.capacity = capacity;
    this.periodNanos = periodNanos;
  }

  /** The caller's bucket, a full one for a caller not in the table. */
  TokenBucket of(String caller, long now) {
    TokenBucket bucket = buckets.get(caller);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= maxCallers) {
      sweep(now);
    }
    return buckets.computeIfAbsent(caller, name -> new TokenBucket(capacity, periodNanos, now));
  }

  int size() {
    return buckets.size();
  }

  private void sweep(long now) {
    sweeping.lock();
    try {
      if (buckets.size() < maxCallers) {
        return; // another request swept meanwhile
      }
      buckets.entrySet().removeIf(entry -> entry.getValue().available(now) == capacity);
      int target = maxCallers - Math.max(1, maxCallers / 10);
      int excess = buckets.size() - target;
      if (excess <= 0) {
        return;
      }
      List<Map.Entry<String, Long>> byLeft = new ArrayList<>(buckets.size());
      buckets.forEach((caller, bucket) -> byLeft.add(Map.entry(caller, bucket.available(now))));
      byLeft.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
      for (Map.Entry<String, Long> fullest : byLeft.subList(0, Math.min(excess, byLeft.size()))) {
        buckets.remove(fullest.getKey());
      }
    } finally {
      sweeping.unlock();
    }
  }
}
