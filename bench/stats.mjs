// Small statistics and formatting helpers shared by the measurements.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Least-squares line through (x, y) points: { slope, intercept }. */
export function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxx ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx };
}

/** A number with a sensible count of digits and thousands separators. */
export function fmt(value, digits = null) {
  if (value == null || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  const d = digits ?? (abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const kib = (bytes) => (bytes == null ? null : bytes / 1024);
export const mib = (bytes) => (bytes == null ? null : bytes / 1024 / 1024);

/** Progress goes to stderr, so that stdout is only the table. */
export const progress = (line) => process.stderr.write(`bench: ${line}\n`);
