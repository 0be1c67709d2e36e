// Events the Rust side sends to the window (`case-changed`, `workspace-changed`, `alerts-changed`).
import type { EventCallback } from '@tauri-apps/api/event';

/** Calls `handler` with each `name` event's payload; returns the unsubscribe, which may be called
 *  before the subscription has even been made (it then ends as soon as it is). Callers check that
 *  they run inside the app first (outside it there is nothing to listen to). */
export function onAppEvent<T>(name: string, handler: (payload: T) => void): () => void {
  let stop: (() => void) | undefined;
  let gone = false;
  const callback: EventCallback<T> = (e) => handler(e.payload);
  import('@tauri-apps/api/event')
    .then(({ listen }) => listen<T>(name, callback))
    .then((unlisten) => {
      if (gone) unlisten();
      else stop = unlisten;
    })
    .catch(() => {});
  return () => {
    gone = true;
    stop?.();
  };
}
