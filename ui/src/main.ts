// Entry point: mounts the Svelte app. Under the Vite dev server in a plain browser (no Tauri), it
// first installs an in-memory mock backend so the screens can be seen; production builds drop it.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

async function start() {
  if (import.meta.env.DEV && !('__TAURI_INTERNALS__' in window)) {
    const { installMock } = await import('./lib/mock');
    installMock(new URLSearchParams(location.search));
  }
  mount(App, { target: document.getElementById('app')! });
}

void start();
