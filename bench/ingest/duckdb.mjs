// DuckDB side of the ingest benchmark (see run.sh): one thread, CPU-seconds of this process.
import { DuckDBInstance } from '@duckdb/node-api';
const [,, mode, input, output] = process.argv;
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
await con.run("SET threads=1");
const c0 = process.cpuUsage(); const t0 = Date.now();
let rows;
if (mode === 'ingest') {
  await con.run(`COPY (SELECT * FROM read_json('${input}', format='newline_delimited')) TO '${output}' (FORMAT parquet, COMPRESSION zstd)`);
  const r = await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${output}')`); rows = Number(r.getRows()[0][0]);
} else {
  const r = await con.runAndReadAll(`SELECT count(*), sum(length(id)), sum(length("group")), sum(length(label)), sum(length(subject)), sum(length(text)) FROM read_parquet('${input}')`);
  rows = Number(r.getRows()[0][0]);
}
const c = process.cpuUsage(c0);
console.log(JSON.stringify({engine: 'duckdb', step: mode, rows, cpu_s: (c.user + c.system) / 1e6, wall_s: (Date.now() - t0) / 1000, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024)}));
