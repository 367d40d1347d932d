/**
 * Dendritic recording sites of Hay et al. (spec §11 preamble, §11.2 C8): "at d µm" means the apical
 * location at path distance d whose local diameter is the largest among all apical locations at d.
 */
import type { CompartmentTree } from '../../../src/reference/cable/compartment-tree.js';
import { nodeOf, segmentOfX } from '../../../src/reference/cells/from-description.js';
import { pointAt, sectionLength, sectionStartDistances } from '../../../src/reference/morphology/geometry.js';
import type { Morphology } from '../../../src/reference/morphology/types.js';

export interface RecordingSite {
  /** requested path distance, µm */
  distance: number;
  section: number;
  sectionName: string;
  /** normalised position within the section */
  x: number;
  /** local diameter there, µm */
  diameter: number;
  /** compartment node holding that location */
  node: number;
}

/** The apical site at path distance `distance` with the largest diameter; throws if none reaches it. */
export function apicalSiteAt(morph: Morphology, tree: CompartmentTree, distance: number): RecordingSite {
  if (!(distance > 0)) throw new RangeError(`path distance must be > 0 µm, got ${distance}`);
  const lengths = morph.sections.map(sectionLength);
  const start = sectionStartDistances(morph, lengths);
  let best: RecordingSite | undefined;
  for (const sec of morph.sections) {
    if (sec.region !== 'apical') continue;
    const L = lengths[sec.id];
    const s0 = start[sec.id];
    if (!(L > 0) || distance < s0 || distance > s0 + L) continue;
    const x = (distance - s0) / L;
    const diameter = pointAt(sec.points, x).d;
    if (!best || diameter > best.diameter) {
      const node = nodeOf(tree.section, tree.segment, sec.id, segmentOfX(x, tree.nseg[sec.id]));
      best = { distance, section: sec.id, sectionName: sec.name, x, diameter, node };
    }
  }
  if (!best) throw new RangeError(`${morph.name}: no apical location at path distance ${distance} µm`);
  return best;
}
