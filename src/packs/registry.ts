/** The packs `trailwatch pack` knows, by name. */
import { cisPack } from './cis.js';
import type { Pack } from './types.js';

export const PACKS: ReadonlyMap<string, Pack> = new Map([[cisPack.name, cisPack]]);

export function findPack(name: string): Pack | undefined {
  return PACKS.get(name.toLowerCase());
}
