// Writes the measured figures of bench/results/*.json into docs/benchmarks.md (between the
// `results` markers; the prose around them is written by hand) and the ANN chart into
// docs/benchmarks-ann.svg. Run by `npm run bench` after the benchmarks, or alone:
//   node --import tsx bench/report.ts
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';

const DOC = 'docs/benchmarks.md';
const CHART = 'docs/benchmarks-ann.svg';
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

type Json = Record<string, unknown>;

function load(name: string): Json | undefined {
  const path = `bench/results/${name}.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Json) : undefined;
}

const fmt = (x: unknown, digits = 2): string =>
  typeof x === 'number'
    ? Math.abs(x) >= 100 || Number.isInteger(x)
      ? Math.round(x).toLocaleString('en-US')
      : x.toFixed(digits)
    : String(x ?? '');

function table(rows: Json[], columns: [string, string][]): string {
  const head = `| ${columns.map(([, title]) => title).join(' | ')} |`;
  const rule = `|${columns.map(() => ' --- |').join('')}`;
  const body = rows.map((r) => `| ${columns.map(([key]) => fmt(r[key])).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** Recall (x) against QPS (y, log scale) for each engine of the ANN sweep, as an SVG. */
function annChart(ann: Json): string {
  const sweep = ann.sweep as Record<string, { recall: number; qps: number }[]>;
  const series = Object.entries(sweep);
  const all = series.flatMap(([, points]) => points);
  const w = 640;
  const h = 400;
  const pad = 56;
  const minR = Math.min(0.9, ...all.map((p) => p.recall));
  const qps = all.map((p) => Math.log10(p.qps));
  const lo = Math.floor(Math.min(...qps));
  const hi = Math.ceil(Math.max(...qps));
  const x = (r: number) => pad + ((r - minR) / (1 - minR)) * (w - 2 * pad);
  const y = (q: number) =>
    h - pad - ((Math.log10(q) - lo) / Math.max(1e-9, hi - lo)) * (h - 2 * pad);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14">Fashion-MNIST, k=10: QPS (log) against recall@10</text>`,
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="black"/>`,
    `<text x="${w / 2}" y="${h - 16}" text-anchor="middle">recall@10</text>`,
    `<text x="16" y="${h / 2}" transform="rotate(-90 16 ${h / 2})" text-anchor="middle">queries per second</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    parts.push(
      `<text x="${pad - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${(10 ** e).toLocaleString('en-US')}</text>`,
      `<line x1="${pad}" y1="${y(10 ** e)}" x2="${w - pad}" y2="${y(10 ** e)}" stroke="#ddd"/>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const r = minR + ((1 - minR) * i) / 5;
    parts.push(`<text x="${x(r)}" y="${h - pad + 16}" text-anchor="middle">${r.toFixed(3)}</text>`);
  }
  series.forEach(([name, points], i) => {
    const colour = colours[i % colours.length]!;
    const sorted = [...points].sort((a, b) => a.recall - b.recall);
    const path = sorted.map((p) => `${x(p.recall).toFixed(1)},${y(p.qps).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of sorted) {
      parts.push(`<circle cx="${x(p.recall)}" cy="${y(p.qps)}" r="3" fill="${colour}"/>`);
    }
    parts.push(
      `<text x="${w - pad - 100}" y="${pad + 16 * i}" fill="${colour}">${name === 'hnswlib' ? 'hnswlib-node' : name}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function annSection(ann: Json): string {
  const build = ann.build as Json;
  const sweep = ann.sweep as Record<string, Json[]>;
  const rows = (sweep.quiver ?? []).map((q, i) => ({
    ef: q.ef,
    quiverRecall: q.recall,
    quiverQps: q.qps,
    hnswlibRecall: sweep.hnswlib?.[i]?.recall,
    hnswlibQps: sweep.hnswlib?.[i]?.qps,
  }));
  return [
    `### ANN: Fashion-MNIST (${fmt(ann.base)} x ${fmt(ann.dim)}, ${String(ann.metric)}, M=${String(ann.m)}, ef_construct=${String(ann.efConstruct)}, ${fmt(ann.queries)} queries)`,
    '',
    `Build: Quiver ${fmt(build.quiverSeconds)} s, hnswlib-node ${fmt(build.hnswlibSeconds)} s (ratio ${fmt(build.ratio)}).`,
    '',
    table(rows, [
      ['ef', 'ef'],
      ['quiverRecall', 'Quiver recall@10'],
      ['quiverQps', 'Quiver QPS'],
      ['hnswlibRecall', 'hnswlib recall@10'],
      ['hnswlibQps', 'hnswlib QPS'],
    ]),
    '',
    table((ann.atRecall as Json[]) ?? [], [
      ['recall', 'at recall@10 >='],
      ['quiverQps', 'Quiver QPS'],
      ['hnswlibQps', 'hnswlib QPS'],
      ['ratio', 'ratio'],
      ['ratioWithoutCallOverhead', 'ratio without the addon call overhead'],
    ]),
    '',
    `![QPS against recall](benchmarks-ann.svg)`,
  ].join('\n');
}

/** Any other result file: its row arrays as tables, its scalars as a list. */
function genericSection(name: string, json: Json): string {
  const out = [`### ${name}`, ''];
  const walk = (value: unknown, label: string): void => {
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
      const keys = [...new Set((value as Json[]).flatMap((row) => Object.keys(row)))].filter((k) =>
        (value as Json[]).every((row) => typeof row[k] !== 'object'),
      );
      out.push(
        `${label}:`,
        '',
        table(
          value as Json[],
          keys.map((k) => [k, k]),
        ),
        '',
      );
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Json)) walk(v, label ? `${label}.${k}` : k);
    } else if (label !== 'date' && label !== 'node') {
      out.push(`- ${label}: ${fmt(value)}`);
    }
  };
  walk(json, '');
  return out.join('\n');
}

const names = existsSync('bench/results')
  ? readdirSync('bench/results')
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort()
  : [];
const sections: string[] = [];
for (const name of names) {
  const json = load(name)!;
  const when = `<sub>measured ${String(json.date ?? '?')}, Node ${String(json.node ?? '?')}</sub>`;
  if (name === 'ann' && json.sweep !== undefined) {
    writeFileSync(CHART, annChart(json));
    sections.push(`${annSection(json)}\n\n${when}`);
  } else {
    sections.push(`${genericSection(name, json)}\n\n${when}`);
  }
}
const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`${DOC} lacks the ${START} ... ${END} markers`);
const text = `${doc.slice(0, from + START.length)}\n\n${sections.join('\n\n')}\n\n${doc.slice(to)}`;
// Formatted as the format check (`npm test`) expects, so a bench run leaves the tree clean.
writeFileSync(DOC, await format(text, { filepath: DOC }));
console.log(`wrote ${DOC} (${sections.length} result sets) and ${CHART}`);
