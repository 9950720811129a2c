/**
 * The renderer of a deploy command, started late: a live view must not draw over the confirmation prompt, so it
 * starts after it, and the events emitted until then (the plan, preflight warnings) are kept and replayed to it.
 * Every event is also kept for the step summary.
 */
import type { EngineEvent, EventSink } from '../events/types.js';
import { MemorySink } from '../events/types.js';
import type { EventRenderer } from '../render/events-select.js';

export class DeferredRenderer {
  /** Every event of the run, for the Markdown step summary. */
  readonly memory = new MemorySink();
  /** Where the engine emits. */
  readonly sink: EventSink = { emit: (e: EngineEvent) => this.emit(e) };
  private renderer: EventRenderer | undefined;
  private finished = false;

  constructor(private readonly create: () => EventRenderer) {}

  private emit(event: EngineEvent): void {
    this.memory.emit(event);
    this.renderer?.emit(event);
  }

  /** Creates the renderer and replays what was emitted so far; later events go straight to it. */
  start(): void {
    if (this.renderer) return;
    this.renderer = this.create();
    for (const e of this.memory.events) this.renderer.emit(e);
  }

  /** The run is over: the renderer writes its summary (starting it first if it never was). */
  async finish(): Promise<void> {
    this.start();
    await this.close();
  }

  /**
   * Closes a renderer that started, once; never starts one. A run refused before it started (stale plan, declined,
   * no --yes) has its error say it all: nothing to summarise.
   */
  async close(): Promise<void> {
    if (this.finished || !this.renderer) return;
    this.finished = true;
    await this.renderer.finish();
  }
}
