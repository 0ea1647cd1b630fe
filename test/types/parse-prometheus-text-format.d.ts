declare module 'parse-prometheus-text-format' {
  /** One sample of a family; histograms without labels come back as `{buckets, count, sum}`. */
  export interface Sample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface Family {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Sample[];
  }
  /** Parses Prometheus text exposition. @throws InvalidLineError on a malformed line. */
  export default function parse(text: string): Family[];
}
