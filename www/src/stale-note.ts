// Curves on show whose numbers are of another config than the current one (a key that moves
// them was changed since) stay, with a status saying so, so that a link copied now is not
// mistaken for theirs; moving back restores the state and status they had.

import { byId as $ } from './boot';

export class StaleNote {
  /** The state and status of the curves on show before they went stale. */
  private before: { state: string; status: string } | null = null;

  /** The curves on show are (`stale`) or are not of the current config. */
  set(stale: boolean): void {
    const host = $('experiment');
    if (stale && host.dataset.state !== 'stale') {
      this.before = { state: host.dataset.state ?? 'idle', status: $('exp-status').textContent ?? '' };
      host.dataset.state = 'stale';
      $('exp-status').textContent =
        'The curves shown are of an earlier configuration (their JSON export carries it); the controls have changed since. Press Run to compute the current one.';
    } else if (!stale && host.dataset.state === 'stale' && this.before) {
      host.dataset.state = this.before.state;
      $('exp-status').textContent = this.before.status;
      this.before = null;
    }
  }

  /** New curves are on show: what was before them is not restored. */
  forget(): void {
    this.before = null;
  }
}
