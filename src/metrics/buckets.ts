/**
 * Latency histogram buckets in seconds, from 50 µs to 5 s: fine enough for sub-millisecond
 * answers (prom-client's defaults start at 5 ms).
 */
export const LATENCY_BUCKETS_S = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
