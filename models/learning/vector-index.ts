/**
 * Exhaustive in-memory vector index for labeled examples. Vectors are L2-normalized on the way in, so the score is
 * the cosine similarity. Exhaustive search is fine at our scale: a help desk's verified examples number in the
 * thousands, and 100k x 384 still searches in tens of milliseconds (see bench-index.ts).
 *
 * Rows are stored as int8 with one float scale per row (symmetric, max-abs): a quarter of float32's memory, which
 * is what keeps a worker within 200 MB at 100k examples. The query stays float32, so the only error is the rows'
 * rounding: at most scale/2 per component, about 1e-3 in cosine for MiniLM vectors, far below the gaps that
 * decide a label (vector-index.test.ts checks the ranking against float search on real embeddings).
 */

export interface IndexedExample {
  id: string;
  label: string;
}

export interface SearchHit extends IndexedExample {
  score: number;
}

/** Row-major int8 rows; row r's components are data[r * dims + i] * scale[r]. */
export interface QuantizedRows {
  data: Int8Array;
  scale: Float32Array;
}

export class VectorIndex {
  readonly dims: number;
  private data: Int8Array;
  /** Per row: the value of one int8 step, so a component is data * scale. */
  private scale: Float32Array;
  private ids: string[] = [];
  private labelOf: string[] = [];
  /** One string per label: rows read from the database would otherwise each hold their own copy. */
  private labelNames = new Map<string, string>();
  private rowOf = new Map<string, number>();

  constructor(dims: number, initialCapacity = 1024) {
    this.dims = dims;
    const capacity = Math.max(1, initialCapacity);
    this.data = new Int8Array(capacity * dims);
    this.scale = new Float32Array(capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  get capacity(): number {
    return this.scale.length;
  }

  /** Bytes held by the vectors themselves (rows and scales), for benchmarks. */
  get vectorBytes(): number {
    return this.data.byteLength + this.scale.byteLength;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Adds an example, or replaces the vector and label of an existing id (a corrected example keeps its id). */
  add(id: string, label: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dims, index has ${this.dims}`);
    let name = this.labelNames.get(label);
    if (name === undefined) this.labelNames.set(label, (name = label));
    label = name;
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.ids.length;
      if (row === this.capacity) this.grow();
      this.ids.push(id);
      this.labelOf.push(label);
      this.rowOf.set(id, row);
    } else {
      this.labelOf[row] = label;
    }
    const offset = row * this.dims;
    let sum = 0;
    let max = 0;
    for (let i = 0; i < this.dims; i++) {
      const x = vector[i]!;
      sum += x * x;
      if (Math.abs(x) > max) max = Math.abs(x);
    }
    // Normalizing and quantizing in one step: component / norm / step, with step = (max / norm) / 127.
    const norm = Math.sqrt(sum);
    const toInt = max > 0 ? 127 / max : 0;
    for (let i = 0; i < this.dims; i++) this.data[offset + i] = Math.round(vector[i]! * toInt);
    this.scale[row] = norm > 0 ? max / norm / 127 : 0;
  }

  /** Removes by moving the last row into the hole: O(dims), rows stay contiguous for the scan. */
  remove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      this.data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
      this.scale[row] = this.scale[last]!;
      const movedId = this.ids[last]!;
      this.ids[row] = movedId;
      this.labelOf[row] = this.labelOf[last]!;
      this.rowOf.set(movedId, row);
    }
    this.ids.pop();
    this.labelOf.pop();
    this.rowOf.delete(id);
    return true;
  }

  /** Top-k by cosine similarity, best first. */
  search(query: ArrayLike<number>, k: number): SearchHit[] {
    const n = this.ids.length;
    k = Math.min(k, n);
    if (k <= 0) return [];
    const scores = this.scoreAll(query);
    // k is small (tens); a sorted insertion buffer beats a heap and a full sort of n scores.
    const topRows = new Int32Array(k);
    const topScores = new Float32Array(k).fill(-Infinity);
    for (let r = 0; r < n; r++) {
      const s = scores[r]!;
      if (s <= topScores[k - 1]!) continue;
      let j = k - 1;
      while (j > 0 && topScores[j - 1]! < s) {
        topScores[j] = topScores[j - 1]!;
        topRows[j] = topRows[j - 1]!;
        j--;
      }
      topScores[j] = s;
      topRows[j] = r;
    }
    const hits: SearchHit[] = [];
    for (let j = 0; j < k; j++) {
      const r = topRows[j]!;
      hits.push({ id: this.ids[r]!, label: this.labelOf[r]!, score: topScores[j]! });
    }
    return hits;
  }

  /** Cosine similarity of the query (normalized here) to every stored row, in row order. */
  scoreAll(query: ArrayLike<number>): Float32Array {
    const d = this.dims;
    if (query.length !== d) throw new Error(`query has ${query.length} dims, index has ${d}`);
    const q = new Float32Array(d);
    let sum = 0;
    for (let i = 0; i < d; i++) sum += query[i]! * query[i]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < d; i++) q[i] = query[i]! * inv;
    const n = this.ids.length;
    const out = new Float32Array(n);
    const { data, scale } = this;
    for (let r = 0, off = 0; r < n; r++, off += d) {
      // Four accumulators let the JIT keep independent adds in flight instead of one serial chain.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i + 3 < d; i += 4) {
        s0 += data[off + i]! * q[i]!;
        s1 += data[off + i + 1]! * q[i + 1]!;
        s2 += data[off + i + 2]! * q[i + 2]!;
        s3 += data[off + i + 3]! * q[i + 3]!;
      }
      for (; i < d; i++) s0 += data[off + i]! * q[i]!;
      out[r] = (s0 + s1 + s2 + s3) * scale[r]!;
    }
    return out;
  }

  /** The stored (normalized, as rounded) vector and label of one example, copied. */
  get(id: string): { label: string; vector: Float32Array } | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    const vector = new Float32Array(this.dims);
    this.decode(row, vector, 0);
    return { label: this.labelOf[row]!, vector };
  }

  /** The labels that have at least one row, sorted. */
  distinctLabels(): string[] {
    return [...new Set(this.labelOf)].sort();
  }

  /** Rows in storage order as float32 (4x the index's own bytes), for training a classifier on the same examples. */
  snapshot(): { vectors: Float32Array; labels: string[]; ids: string[] } {
    const vectors = new Float32Array(this.ids.length * this.dims);
    for (let r = 0; r < this.ids.length; r++) this.decode(r, vectors, r * this.dims);
    return { vectors, labels: this.labelOf.slice(), ids: this.ids.slice() };
  }

  /**
   * `count` rows drawn uniformly without replacement (all rows in storage order when `count` covers the index),
   * still as int8: what a classifier trains on. At 20k rows that is 7.7 MB to hand to a training thread, where
   * float32 would be 31 MB; SoftmaxRegression.train decodes one batch at a time.
   */
  sample(count: number, random: () => number): { rows: QuantizedRows; labels: string[] } {
    const n = this.ids.length;
    const d = this.dims;
    if (count >= n) {
      return { rows: { data: this.data.slice(0, n * d), scale: this.scale.slice(0, n) }, labels: this.labelOf.slice() };
    }
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const rows: QuantizedRows = { data: new Int8Array(count * d), scale: new Float32Array(count) };
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      // Partial Fisher-Yates: order[0..i) are the draws so far.
      const j = i + Math.floor(random() * (n - i));
      const row = order[j]!;
      order[j] = order[i]!;
      order[i] = row;
      rows.data.set(this.data.subarray(row * d, (row + 1) * d), i * d);
      rows.scale[i] = this.scale[row]!;
      labels.push(this.labelOf[row]!);
    }
    return { rows, labels };
  }

  private decode(row: number, out: Float32Array, offset: number): void {
    const s = this.scale[row]!;
    const from = row * this.dims;
    for (let i = 0; i < this.dims; i++) out[offset + i] = this.data[from + i]! * s;
  }

  private grow(): void {
    const data = new Int8Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
    const scale = new Float32Array(this.scale.length * 2);
    scale.set(this.scale);
    this.scale = scale;
  }
}
