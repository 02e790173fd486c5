/**
 * Exact in-memory vector index for labeled examples. Vectors are L2-normalized on the way in, so the score is the
 * cosine similarity. Exact search is fine at our scale: a help desk's verified examples number in the thousands,
 * and 100k x 384 still searches in tens of milliseconds (see bench-index.ts).
 */

export interface IndexedExample {
  id: string;
  label: string;
}

export interface SearchHit extends IndexedExample {
  score: number;
}

export class VectorIndex {
  readonly dims: number;
  private data: Float32Array;
  private ids: string[] = [];
  private labelOf: string[] = [];
  private rowOf = new Map<string, number>();

  constructor(dims: number, initialCapacity = 1024) {
    this.dims = dims;
    this.data = new Float32Array(Math.max(1, initialCapacity) * dims);
  }

  get size(): number {
    return this.ids.length;
  }

  get capacity(): number {
    return this.data.length / this.dims;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Adds an example, or replaces the vector and label of an existing id (a corrected example keeps its id). */
  add(id: string, label: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dims, index has ${this.dims}`);
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
    for (let i = 0; i < this.dims; i++) sum += vector[i]! * vector[i]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < this.dims; i++) this.data[offset + i] = vector[i]! * inv;
  }

  /** Removes by moving the last row into the hole: O(dims), rows stay contiguous for the scan. */
  remove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      this.data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
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
    const data = this.data;
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
      out[r] = s0 + s1 + s2 + s3;
    }
    return out;
  }

  /** The stored (normalized) vector and label of one example, copied. */
  get(id: string): { label: string; vector: Float32Array } | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    return { label: this.labelOf[row]!, vector: this.data.slice(row * this.dims, (row + 1) * this.dims) };
  }

  /** Rows in storage order, for training a classifier on the same examples without copying them one by one. */
  snapshot(): { vectors: Float32Array; labels: string[]; ids: string[] } {
    return {
      vectors: this.data.slice(0, this.ids.length * this.dims),
      labels: this.labelOf.slice(),
      ids: this.ids.slice(),
    };
  }

  private grow(): void {
    const next = new Float32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
