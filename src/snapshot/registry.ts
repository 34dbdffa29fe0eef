/**
 * Where sources offer their printer's current camera image, keyed by printer id, so the template
 * node can attach it without knowing which platform it came from.
 */
export type SnapshotProvider = () => Promise<Buffer>;

const providers = new Map<string, SnapshotProvider>();

export function registerSnapshotProvider(printerId: string, provider: SnapshotProvider): () => void {
  providers.set(printerId, provider);
  return () => {
    if (providers.get(printerId) === provider) providers.delete(printerId);
  };
}

export function hasSnapshotProvider(printerId: string): boolean {
  return providers.has(printerId);
}

/** The JPEG bytes, or undefined when no source offers a snapshot for this printer. Rejects on fetch errors. */
export async function fetchSnapshot(printerId: string): Promise<Buffer | undefined> {
  const provider = providers.get(printerId);
  return provider ? provider() : undefined;
}
