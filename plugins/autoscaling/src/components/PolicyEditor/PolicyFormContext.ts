import { createContext, useContext } from 'react';
import type { EffectivePolicy } from '@internal/plugin-autoscaling-common';

export interface PolicyFormContextValue {
  /** Why the form is read-only, when it is. */
  readOnlyReason?: string;
  /** The effective policy, to show what a blank field inherits. */
  effective?: EffectivePolicy;
  /** The entity whose policy this is: the metric-source picker and dry runs are for it. */
  entityRef?: string;
}

export const PolicyFormContext = createContext<PolicyFormContextValue>({});

export function usePolicyFormContext() {
  return useContext(PolicyFormContext);
}
