import { Counter, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { SweepKind } from '../workers/sweeps.ts';
import { LATENCY_BUCKETS_S } from './buckets.ts';

/**
 * Metrics kept inside one partition actor (prom-client has no cross-thread aggregation:
 * each actor keeps its registry; the front thread merges their JSON at scrape time).
 */
export class ActorMetrics {
  private readonly registry = new Registry();
  private readonly commands: Counter<'command' | 'outcome'>;
  private readonly duration: Histogram<'command'>;
  private readonly swept: Counter<'kind'>;

  /** @param partition index of this actor, set as the `partition` label of every series. */
  constructor(partition: number) {
    this.registry.setDefaultLabels({ partition: String(partition) });
    this.commands = new Counter({
      name: 'sortie_commands_total', help: 'Commands run by partition actors, by command and outcome (ok, refused, replayed).',
      labelNames: ['command', 'outcome'], registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'sortie_command_duration_seconds', help: 'Time from the actor receiving a command to its durable outcome, seconds.',
      labelNames: ['command'], buckets: LATENCY_BUCKETS_S, registers: [this.registry],
    });
    this.swept = new Counter({
      name: 'sortie_swept_records_total', help: 'Records removed by the incremental sweeps, by kind (sessions: dead refresh sessions; idempotency: expired records).',
      labelNames: ['kind'], registers: [this.registry],
    });
  }

  /** Records one command; `startMs` from performance.now(). */
  observe(command: string, outcome: 'ok' | 'refused' | 'replayed', startMs: number): void {
    this.commands.inc({ command, outcome });
    this.duration.observe({ command }, (performance.now() - startMs) / 1000);
  }

  /** Counts `n` records of `kind` removed by a sweep tick. */
  sweptRecords(kind: SweepKind, n: number): void {
    this.swept.inc({ kind }, n);
  }

  /** This actor's series, for AggregatorRegistry.aggregate on the front thread. */
  snapshot(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return this.registry.getMetricsAsJSON();
  }
}
