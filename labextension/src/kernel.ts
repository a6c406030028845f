/**
 * Telling that the kernel behind a view is gone (dead, restarted, shut
 * down): which kernel statuses mean it, and what the view then says. Pure,
 * tested without a browser; widget.ts watches the kernel and the comm.
 */

/** Why a kernel status means this view's kernel is gone (null: it does not). */
export function lostReason(status: string): string | null {
  switch (status) {
    case 'dead':
      return 'the kernel died';
    case 'restarting':
    case 'autorestarting':
    case 'starting': // a view exists only once its kernel ran: starting again is a restart
      return 'the kernel restarted';
    case 'terminating':
      return 'the kernel was shut down';
    default:
      return null;
  }
}

/** What the view says once its kernel is gone. */
export function lostMessage(reason: string): string {
  const why = reason.trim() ? ` (${reason.trim()})` : '';
  return (
    `The kernel is gone${why}: this view can no longer change the model. ` +
    'Re-run the cell to get a live view.'
  );
}
