/** One benchmark figure: a ratio against a baseline measured in the same run (or a size), and its target. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}

/** The summary `npm run bench` ends with: every figure next to its target. */
export function printSummary(results: BenchResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  console.log('summary');
  for (const r of results) {
    const value = r.unit === '×' ? `${r.value.toFixed(2)}×` : `${Math.round(r.value)} ${r.unit}`;
    console.log(`  ${r.name.padEnd(width)}  ${value.padStart(10)}  target ${r.target.padEnd(14)} ${r.ok ? 'met' : 'NOT MET'}`);
  }
}
