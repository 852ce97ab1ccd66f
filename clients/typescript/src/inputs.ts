// What the client accepts, in plain terms, and its conversion to the generated messages.

import type { DeepPartial } from "./gen/selfmodel/v1/inventory.js";
import { type InventoryBelief } from "./gen/selfmodel/v1/inventory.js";
import { type BeliefProposal, ObservationType, Stance } from "./gen/selfmodel/v1/observation.js";

export type ObservationTypeName = "preference" | "correction" | "interaction" | "answer" | "feedback" | "assertion";
export type StanceName = "supports" | "contradicts";

/** A belief an observation speaks for or against. */
export interface Proposal {
  statement: string;
  /** Default: "supports". */
  stance?: StanceName;
  context?: string;
}

/** A self-model, or its resource name (`selfModels/…`). */
export type ModelRef = string | { readonly name: string };

/** An inventory belief (the fields of `InventoryBelief`), with `learnedVia` by name. */
export type InventoryBeliefInput = Omit<DeepPartial<InventoryBelief>, "learnedVia" | "key" | "statement"> & {
  key: string;
  statement: string;
  learnedVia?: readonly ObservationTypeName[];
};

const OBSERVATION_TYPES: Record<ObservationTypeName, ObservationType> = {
  preference: ObservationType.OBSERVATION_TYPE_PREFERENCE,
  correction: ObservationType.OBSERVATION_TYPE_CORRECTION,
  interaction: ObservationType.OBSERVATION_TYPE_INTERACTION,
  answer: ObservationType.OBSERVATION_TYPE_ANSWER,
  feedback: ObservationType.OBSERVATION_TYPE_FEEDBACK,
  assertion: ObservationType.OBSERVATION_TYPE_ASSERTION,
};

const STANCES: Record<StanceName, Stance> = {
  supports: Stance.STANCE_SUPPORTS,
  contradicts: Stance.STANCE_CONTRADICTS,
};

export function supports(statement: string, context = ""): Proposal {
  return { statement, stance: "supports", context };
}

export function contradicts(statement: string, context = ""): Proposal {
  return { statement, stance: "contradicts", context };
}

export function nameOf(model: ModelRef): string {
  return typeof model === "string" ? model : model.name;
}

/** An unknown name (possible from plain JavaScript) becomes UNSPECIFIED, which the
 * service refuses with INVALID_ARGUMENT naming the field. */
export function observationType(name: ObservationTypeName): ObservationType {
  return OBSERVATION_TYPES[name] ?? ObservationType.OBSERVATION_TYPE_UNSPECIFIED;
}

/** A plain string supports its statement. */
export function proposal(belief: string | Proposal): BeliefProposal {
  const { statement, stance = "supports", context = "" } = typeof belief === "string" ? { statement: belief } : belief;
  return { statement, stance: STANCES[stance] ?? Stance.STANCE_UNSPECIFIED, context };
}

export function inventoryBelief(belief: InventoryBeliefInput): DeepPartial<InventoryBelief> {
  return { ...belief, learnedVia: (belief.learnedVia ?? []).map(observationType) };
}
