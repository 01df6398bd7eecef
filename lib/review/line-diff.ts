/** One line of a diff. */
interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** Line-level diff (longest common subsequence), as a sequence of kept, removed and added lines. */
function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  // Trim the common prefix and suffix so the quadratic table only covers the changed middle.
  let start = 0;
  while (start < n && start < m && a[start] === b[start]) start++;
  let endA = n;
  let endB = m;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const lcs: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      out.push({ op: ' ', text: midA[i] });
      i++;
      j++;
    } else if (i < midA.length && (j === midB.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Removed lines first, then added ones, as unified diffs are read.
      out.push({ op: '-', text: midA[i++] });
    } else {
      out.push({ op: '+', text: midB[j++] });
    }
  }
  for (const text of a.slice(endA)) out.push({ op: ' ', text });
  return out;
}

/** A unified diff of two texts with `context` lines around each change; '' when equal. */
export function unifiedDiff(before: string, after: string, labels: [string, string], context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lines = diffLines(a, b);
  const changed = lines.map((l, index) => (l.op !== ' ' ? index : -1)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length, index + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  for (const [from, to] of hunks) {
    const before_ = lines.slice(0, from);
    const startA = before_.filter((l) => l.op !== '+').length + 1;
    const startB = before_.filter((l) => l.op !== '-').length + 1;
    const body = lines.slice(from, to);
    const countA = body.filter((l) => l.op !== '+').length;
    const countB = body.filter((l) => l.op !== '-').length;
    out.push(`@@ -${startA},${countA} +${startB},${countB} @@`, ...body.map((l) => `${l.op}${l.text}`));
  }
  return out.join('\n') + '\n';
}
