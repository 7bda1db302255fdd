/** The last K events of a run, formatted only when a run fails (formatting every event is slow). */
import { formatZxid, type Zxid } from "../ids.js";

type Detail = string | object;

export class Trace {
  private readonly times: number[] = [];
  private readonly labels: string[] = [];
  private readonly details: Detail[] = [];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  add(nowMs: number, label: string, detail: Detail): void {
    if (this.capacity === 0) return;
    this.times[this.next] = nowMs;
    this.labels[this.next] = label;
    this.details[this.next] = detail;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  lines(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const at = (this.next - this.count + i + this.capacity) % this.capacity;
      out.push(`${String(this.times[at]).padStart(6)}ms ${this.labels[at]} ${format(this.details[at] as Detail)}`);
    }
    return out;
  }
}

function format(detail: Detail): string {
  if (typeof detail === "string") return detail;
  return JSON.stringify(detail, (key, value: unknown) => {
    if (typeof value === "bigint") return /zxid/i.test(key) ? formatZxid(value as Zxid) : value.toString();
    if (value instanceof Uint8Array) return `<${value.length}B>`;
    return value;
  });
}
