/** Reads a secret (password, API token) from the credential store by its reference. Never logged. */
export type SecretGetter = (ref: string) => Promise<string | undefined>;

/** The `fetch` used by providers; injected so tests and hosts choose the transport. */
export type FetchLike = typeof fetch;
