/**
 * `npm run bench:prescreen`: the pre-screen on a 50,000-character body with a 1,000-entry word list
 * (the target: well under 50 ms), beside baselines measured in the same run — one plain
 * scan of the text (the floor for any matcher) and the naive way, one indexOf scan per word.
 * Prints medians and ratios; no test asserts a timing.
 */
import { prescreen, WordMatcher, type WordEntry } from '../src/domain/prescreen';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

/** A deterministic pseudo-random source, so every run screens the same text. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const CHARS = [...'的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质'];
const LIST_CHARS = [...'翻墙涉密泄露谣言非法集会煽动邪教赌博色情诈骗传销暴恐维稳内参机要敏感违规舆情上访'];
const SENTENCE_END = [...'，。；：、'];

function body(length: number): string {
  let out = '';
  while (out.length < length) {
    const n = 8 + Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) out += pick(CHARS);
    out += pick(SENTENCE_END);
    // Now and then something the built-in detectors report.
    if (rand() < 0.01) out += `联系电话 139${String(Math.floor(rand() * 1e8)).padStart(8, '0')}，`;
    if (rand() < 0.005) out += '内部资料，';
    if (rand() < 0.005) out += `邮箱 li${Math.floor(rand() * 1000)}@qq.com，`;
    if (rand() < 0.02) out += '\n';
  }
  return out.slice(0, length);
}

function wordList(n: number): WordEntry[] {
  const seen = new Set<string>();
  const out: WordEntry[] = [];
  while (out.length < n) {
    const len = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < len; i++) w += pick(LIST_CHARS);
    if (rand() < 0.1) w = `${w}${['VPN', 'Tor', 'app'][out.length % 3]}`;
    if (seen.has(w)) continue;
    seen.add(w);
    out.push({ word: w, category: pick(['political', 'security', 'rumour', 'network']), severity: pick(['high', 'medium', 'low'] as const) });
  }
  return out;
}

function median(label: string, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const m = times[Math.floor(times.length / 2)]!;
  console.log(`${label.padEnd(58)} ${m.toFixed(3).padStart(9)} ms  (p90 ${times[Math.floor(times.length * 0.9)]!.toFixed(3)})`);
  return m;
}

const text = body(50_000);
const entries = wordList(1_000);
const words = entries.map((e) => e.word);
console.log(`text: ${text.length} characters; list: ${entries.length} entries; ${RUNS} runs each, medians\n`);

const scan = median('baseline: one plain scan of the text (indexOf, no match)', () => text.indexOf('\u0000'));
const naive = median('baseline: naive, one indexOf scan per word (1,000 scans)', () => {
  let found = 0;
  for (const w of words) for (let i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + 1)) found++;
  return found;
});
const compile = median('compile the list (new WordMatcher, once per screen)', () => new WordMatcher(entries));
const matcher = new WordMatcher(entries);
const listOnly = median('word list only (WordMatcher.hits)', () => matcher.hits(text));
const full = median('full pre-screen: built-in detectors + word list', () => prescreen({ title: '关于举办学术讲座的通知', text }, matcher));
const findings = prescreen({ title: '', text }, matcher);

console.log(`\nfindings: ${findings.length} (${[...new Set(findings.map((f) => f.kind))].join(', ')})`);
console.log(`ratios: word list / one plain scan = ${(listOnly / scan).toFixed(1)}×; word list / naive = ${(listOnly / naive).toFixed(2)}×; full pre-screen incl. compile = ${(full + compile).toFixed(2)} ms (target: well under 50 ms)`);
