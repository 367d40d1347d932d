/**
 * One kind of mechanism over all the nodes that carry it: a voltage-gated channel, SK, the Ca shell,
 * the Nernst potential or a synapse type. A substep is two loops over the engine's mechanisms, in
 * their fixed order: addCurrents() at the present V, the tree solve, then advance() at the new V.
 */
export interface Mechanism {
  readonly name: string;
  /** Steady state (or empty state) at the present V and [Ca]i, as at the start of a trial. */
  initialise(): void;
  /** Add current and slope at the present V to the membrane arrays, or compute an assigned variable. */
  addCurrents(): void;
  /** Advance the states over the substep (V and dv are those after the solve). */
  advance(): void;
}
