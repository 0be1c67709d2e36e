// Ambient types for Vite (import.meta.env) and .svelte imports.
/// <reference types="svelte" />
/// <reference types="vite/client" />
