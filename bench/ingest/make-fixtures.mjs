// Writes the DuckDB-made Parquet fixtures of stages/ingest/testdata/duckdb.
// Run once from this directory: npm install && node make-fixtures.mjs
import { DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../stages/ingest/testdata/duckdb');
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();

const rows = `
  SELECT i::BIGINT AS id,
         CASE WHEN i % 3 = 0 THEN 'spam' ELSE 'ham' END AS label,
         CASE WHEN i % 7 = 0 THEN NULL ELSE 'text ' || i || ' é "q", ✓' END AS text,
         (i / 4)::DOUBLE AS score,
         i % 2 = 0 AS flag
  FROM range(0, 300) t(i)`;
const types = `
  SELECT i::TINYINT AS i8, i::SMALLINT AS i16, i::INTEGER AS i32, i::BIGINT AS i64,
         i::UTINYINT AS u8, i::UINTEGER AS u32, (i * 1.5)::FLOAT AS f32, (i * 1.5)::DOUBLE AS f64,
         (i * 1.25)::DECIMAL(9, 2) AS dec, DATE '2024-01-01' + i::INTEGER AS day,
         TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS ts,
         [i, i + 1]::INTEGER[] AS list, {'a': i, 'b': 'x' || i} AS st, ('blob' || i)::BLOB AS bin,
         CASE WHEN i = 1 THEN NULL ELSE 'v' || i END AS maybe
  FROM range(0, 5) t(i)`;

const files = [
  [`${rows}`, 'rows_zstd.parquet', "COMPRESSION zstd, ROW_GROUP_SIZE 100"],
  [`${rows}`, 'rows_snappy.parquet', "COMPRESSION snappy"],
  [`${rows}`, 'rows_gzip.parquet', "COMPRESSION gzip"],
  [`${rows}`, 'rows_plain.parquet', "COMPRESSION uncompressed"],
  [`${types}`, 'types.parquet', "COMPRESSION zstd"],
  [`SELECT * FROM (${rows}) WHERE false`, 'empty.parquet', "COMPRESSION zstd"],
];
for (const [query, name, opts] of files) {
  await con.run(`COPY (${query}) TO '${path.join(out, name)}' (FORMAT parquet, ${opts})`);
  console.log('wrote', name);
}
