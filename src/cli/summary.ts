// sysdig's -S: the events read, counted per event type (the generic syscall events per syscall) and
// printed at the end, most frequent first, at most 100 lines:
//
//   ----------------------
//   Event           #Calls
//   ----------------------
//   > procinfo        1183
//   < fstat           13
//
// sysdig orders its table (every event type of its own table, then every syscall's enter and exit)
// with std::sort on the count alone, which is not stable: types with the same count come out in the
// order libstdc++'s introsort leaves them. That sort is reproduced below, so ties print in sysdig's
// order.
import { EVENT_TABLE, LEGACY_EVENT_COUNT } from '../capture/event-table.js';
import type { Event } from '../capture/event.js';
import { LEGACY_SYSCALL_COUNT, SYSCALL_NAMES } from '../capture/names.js';

const GENERIC_E = 0;
const GENERIC_X = 1;
const MAX_LINES = 100;

interface Entry {
  readonly id: number;
  readonly syscall: boolean;
  calls: number;
}

export class EventSummary {
  /** sysdig's table: the event types, then syscall id * 2 (+ 1 for exits). */
  private readonly counts = new Float64Array(LEGACY_EVENT_COUNT + 2 * LEGACY_SYSCALL_COUNT);

  count(e: Event): void {
    if (e.type === GENERIC_E || e.type === GENERIC_X) {
      const id = e.paramUint(0);
      if (id < LEGACY_SYSCALL_COUNT) this.counts[LEGACY_EVENT_COUNT + 2 * id + e.type]++;
    } else if (e.type < LEGACY_EVENT_COUNT) {
      this.counts[e.type]++;
    }
  }

  /** The table's lines, each with its newline. */
  lines(): string {
    const entries: Entry[] = [];
    for (let j = 0; j < LEGACY_EVENT_COUNT; j++) entries.push({ id: j, syscall: false, calls: this.counts[j] });
    for (let j = 0; j < 2 * LEGACY_SYSCALL_COUNT; j++) entries.push({ id: j, syscall: true, calls: this.counts[LEGACY_EVENT_COUNT + j] });
    cxxSort(entries, (a, b) => a.calls > b.calls);
    let out = '----------------------\nEvent           #Calls\n----------------------\n';
    for (const e of entries.slice(0, MAX_LINES)) {
      if (e.calls === 0) break;
      const name = e.syscall ? SYSCALL_NAMES[e.id >> 1] : EVENT_TABLE[e.id].name;
      out += `${e.id % 2 === 0 ? '> ' : '< '}${name.slice(0, 16).padEnd(16, ' ')}${e.calls}\n`;
    }
    return out;
  }
}

/**
 * libstdc++'s std::sort (bits/stl_algo.h): introsort down to runs of 16 (median-of-three pivot,
 * unguarded partition, heapsort past 2 log2(n) levels), then one insertion sort. `less` is the
 * strict weak order the C++ comparator gives.
 */
export function cxxSort<T>(a: T[], less: (x: T, y: T) => boolean): void {
  const n = a.length;
  if (n <= 1) return;
  introsortLoop(a, 0, n, 2 * Math.floor(Math.log2(n)), less);
  finalInsertionSort(a, 0, n, less);
}

const THRESHOLD = 16;

function swap(a: unknown[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function introsortLoop<T>(a: T[], first: number, last: number, depth: number, less: (x: T, y: T) => boolean): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(a, first, last, less);
      return;
    }
    depth--;
    const mid = first + ((last - first) >> 1);
    moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
    const cut = unguardedPartition(a, first + 1, last, first, less);
    introsortLoop(a, cut, last, depth, less);
    last = cut;
  }
}

function moveMedianToFirst<T>(a: T[], result: number, x: number, y: number, z: number, less: (p: T, q: T) => boolean): void {
  if (less(a[x], a[y])) {
    if (less(a[y], a[z])) swap(a, result, y);
    else if (less(a[x], a[z])) swap(a, result, z);
    else swap(a, result, x);
  } else if (less(a[x], a[z])) swap(a, result, x);
  else if (less(a[y], a[z])) swap(a, result, z);
  else swap(a, result, y);
}

function unguardedPartition<T>(a: T[], first: number, last: number, pivot: number, less: (x: T, y: T) => boolean): number {
  for (;;) {
    while (less(a[first], a[pivot])) first++;
    last--;
    while (less(a[pivot], a[last])) last--;
    if (!(first < last)) return first;
    swap(a, first, last);
    first++;
  }
}

function finalInsertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  if (last - first > THRESHOLD) {
    insertionSort(a, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(a, i, less);
  } else {
    insertionSort(a, first, last, less);
  }
}

function insertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (less(a[i], a[first])) {
      const v = a[i];
      for (let k = i; k > first; k--) a[k] = a[k - 1];
      a[first] = v;
    } else {
      unguardedLinearInsert(a, i, less);
    }
  }
}

function unguardedLinearInsert<T>(a: T[], last: number, less: (x: T, y: T) => boolean): void {
  const v = a[last];
  let next = last - 1;
  while (less(v, a[next])) {
    a[last] = a[next];
    last = next;
    next--;
  }
  a[last] = v;
}

/** std::__partial_sort(first, last, last): make_heap, then pop every element (std::__sort_heap). */
function heapSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  const len = last - first;
  for (let parent = (len - 2) >> 1; parent >= 0; parent--) adjustHeap(a, first, parent, len, a[first + parent], less);
  for (let end = last - 1; end - first > 0; end--) {
    const v = a[end];
    a[end] = a[first];
    adjustHeap(a, first, 0, end - first, v, less);
  }
}

/** std::__adjust_heap: sift the hole at `hole` down, then push `value` up from where it ends. */
function adjustHeap<T>(a: T[], first: number, hole: number, len: number, value: T, less: (x: T, y: T) => boolean): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (less(a[first + child], a[first + child - 1])) child--;
    a[first + hole] = a[first + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    a[first + hole] = a[first + child - 1];
    hole = child - 1;
  }
  let parent = (hole - 1) >> 1;
  while (hole > top && less(a[first + parent], value)) {
    a[first + hole] = a[first + parent];
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  a[first + hole] = value;
}
