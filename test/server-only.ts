// `server-only` throws when imported outside React Server Components (its guard against the browser bundle); tests
// run server modules in plain Node, where the guard has nothing to protect.
export {};
