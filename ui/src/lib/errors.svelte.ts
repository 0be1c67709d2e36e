// The error banner's state: the last failed command's message, shown until dismissed.
import { toApiError, type ApiError } from './api';

class ErrorState {
  current = $state<ApiError | null>(null);

  show(e: unknown, prefix?: string) {
    const err = toApiError(e);
    this.current = prefix ? { code: err.code, message: `${prefix} ${err.message}` } : err;
  }

  dismiss() {
    this.current = null;
  }
}

export const errors = new ErrorState();

/** Shown before the backend's message when a change lost a race with someone else's. */
export const CONFLICT_MESSAGE = 'Someone else changed this case first; it has been reloaded with their change.';
