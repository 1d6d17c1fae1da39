// npm run bench: manifest analysis speed and memory on a generated 5,000-workload file.
// Prints figures; asserts nothing (targets are read, not enforced, on a shared machine).
import { createRequire } from 'node:module';
import { generateManifests } from './generateManifests.mjs';

const require = createRequire(import.meta.url);
const core = require('../out/src/core/manifest/index.js');
const jsYaml = require('js-yaml');
const yaml = require('yaml');

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const text = generateManifests(5000);
const options = core.DEFAULT_ANALYSIS_OPTIONS;

function median(fn) {
  fn(); // warm-up
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Our own analysis first, so its peak memory is not mixed with the other parsers'.
let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 2);
const analysisMs = median(() => core.analyzeManifest(text, options));

const analyzer = new core.ManifestAnalyzer();
const first = analyzer.analyze(text, options);
let edit = 0;
const needle = 'name: w-2500\n';
const at = text.indexOf(needle);
const reanalysisMs = median(() => {
  edit++;
  analyzer.analyze(`${text.slice(0, at)}name: w-2500-edit${edit}\n${text.slice(at + needle.length)}`, options);
});
clearInterval(sample);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const retained = process.memoryUsage().heapUsed;

const jsYamlMs = median(() => jsYaml.loadAll(text));
const yamlMs = median(() => yaml.parseAllDocuments(text));
const lexerMs = median(() => { for (const _ of new yaml.Lexer().lex(text)); });

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const kinds = new Set(first.workloads.map((w) => w.kind));
console.log(`Manifest analysis benchmark (median of ${RUNS} runs, Node ${process.version})`);
console.log(`  input: ${first.workloads.length} workloads (${[...kinds].join(', ')}), ${mb(Buffer.byteLength(text))} MB, ${first.findings.length} findings`);
console.log(`  js-yaml loadAll            ${jsYamlMs.toFixed(1).padStart(8)} ms   1.00x`);
console.log(`  yaml parseAllDocuments     ${yamlMs.toFixed(1).padStart(8)} ms   ${(yamlMs / jsYamlMs).toFixed(2)}x`);
console.log(`  yaml Lexer alone           ${lexerMs.toFixed(1).padStart(8)} ms   ${(lexerMs / jsYamlMs).toFixed(2)}x`);
console.log(`  full analysis              ${analysisMs.toFixed(1).padStart(8)} ms   ${(analysisMs / jsYamlMs).toFixed(2)}x   (target <= 1.5x)`);
console.log(`  re-analysis after 1 edit   ${reanalysisMs.toFixed(1).padStart(8)} ms   ${(reanalysisMs / analysisMs).toFixed(3)}x of full analysis (target <= 0.05x)`);
console.log(`  peak RSS (analysis runs)   ${mb(peakRss).padStart(8)} MB;  heap with one analyzer's cache held: ${mb(retained)} MB`);
