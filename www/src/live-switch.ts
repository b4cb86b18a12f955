// The Live switch (`#exp-live`): whether a change of a key that moves the numbers runs the new
// config by itself, DEBOUNCE_MS after the last change. By default it is on when the last
// estimate is at most LIVE_S seconds; the user's choice overrides that. Holds (a lesson step
// that hides the curves, your own curves on show) keep live runs from starting.

import { LIVE_S, seconds } from './run-gate';
import { byId as $ } from './boot';

/** Wait after the last change before a live run starts. */
const DEBOUNCE_MS = 150;

export class LiveSwitch {
  /** The user's choice (null: on when the estimate is at most LIVE_S). */
  private choice: boolean | null = null;
  private holds = new Set<string>();
  private timer = 0;

  /**
   * `wall` gives the last estimate's wall time in seconds (null before the first);
   * `switchedOn` hears the user turn the switch on. `window.caulkLive`, set by the
   * end-to-end tests, chooses for the user.
   */
  constructor(
    byDefault: boolean,
    private wall: () => number | null,
    switchedOn: () => void,
  ) {
    if (!byDefault) this.choice = false;
    const testChoice = (window as unknown as { caulkLive?: boolean }).caulkLive;
    if (typeof testChoice === 'boolean') this.choice = testChoice;
    const box = $('exp-live') as HTMLInputElement;
    box.addEventListener('change', () => {
      this.choice = box.checked;
      this.show();
      if (box.checked) switchedOn();
    });
  }

  /** Live is on: the user's choice, or by default when the last estimate is within LIVE_S. */
  on(): boolean {
    if (this.choice !== null) return this.choice;
    const wall = this.wall();
    return wall === null || wall <= LIVE_S;
  }

  /** The switch shows whether live is on, and why not when off by default. */
  show(): void {
    const box = $('exp-live') as HTMLInputElement;
    box.checked = this.on();
    const wall = this.wall();
    $('exp-live-note').textContent = this.choice === null && wall !== null && !box.checked ? `off: this configuration takes about ${seconds(wall)}` : '';
  }

  /** Whether live runs are held for some reason. */
  get held(): boolean {
    return this.holds.size > 0;
  }

  /** Hold live runs for `reason` (`on`), or release that hold; a hold drops the run waiting. */
  hold(reason: string, on: boolean): void {
    if (on) this.holds.add(reason);
    else this.holds.delete(reason);
    if (on) clearTimeout(this.timer);
  }

  /** Run `then` DEBOUNCE_MS after the last call. */
  debounce(then: () => void): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(then, DEBOUNCE_MS);
  }
}
