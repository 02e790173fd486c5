export interface Column<Row> {
  label: string;
  value: (row: Row) => string | number | null;
}

const cell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  // Quote what CSV needs quoted, and defuse cells a spreadsheet would run as a formula (ticket text is untrusted).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function toCsv<Row>(columns: Column<Row>[], rows: Row[]): string {
  return [columns.map((c) => cell(c.label)), ...rows.map((r) => columns.map((c) => cell(c.value(r))))].map((l) => l.join(",")).join("\r\n");
}

export function downloadCsv(filename: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
