// Summarises bench/out/ingest/results.jsonl: best CPU-seconds per engine,
// input and step, and ours / DuckDB ratios of rows per CPU-second.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const best = new Map();
for (const r of rows) {
  const key = `${r.input}|${r.step}|${r.engine}|${r.file ?? 'own'}`;
  const b = best.get(key);
  if (!b || r.cpu_s < b.cpu_s) best.set(key, r);
}
const get = (input, step, engine, file = 'own') => best.get(`${input}|${step}|${engine}|${file}`);
console.log('input     step    ours CPU-s  DuckDB CPU-s  ratio (ours faster if > 1)  ours RSS MB  DuckDB RSS MB');
for (const input of ['repeated', 'unique']) {
  for (const [step, file, ourStep, label] of [['ingest', 'own', 'ingest', 'ingest'], ['read', 'own', 'read', 'read'],
    ['read', 'own', 'read-dict', 'read-d'], ['read', 'ours', 'read', 'read*']]) {
    const o = get(input, ourStep, 'ours');
    const d = get(input, step, 'duckdb', file);
    if (!o || !d) continue;
    console.log(`${input.padEnd(9)} ${label.padEnd(7)} ${o.cpu_s.toFixed(2).padStart(10)}  ${d.cpu_s.toFixed(2).padStart(12)}  ${(d.cpu_s / o.cpu_s).toFixed(2).padStart(26)}  ${String(o.peak_rss_mb).padStart(11)}  ${String(d.peak_rss_mb).padStart(13)}`);
  }
}
console.log('read: each engine reads the Parquet it wrote (ours materialising every string); read-d: ours keeps');
console.log('dictionary-encoded columns as dictionaries; read*: DuckDB reads the file ours wrote (ours as in read).');
