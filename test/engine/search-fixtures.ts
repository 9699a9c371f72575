/** Default search settings (as the CLI's) and a slow-converging mixture shared by the engine tests. */
import type { EmSettings } from '../../src/engine/em.js';
import type { ReferenceMixture } from './reference.js';

export const settings = (overrides: Partial<EmSettings>): EmSettings => ({
  nComponents: 3,
  covarianceType: 'full',
  init: 'mixed',
  nInit: 'auto',
  maxIter: 1000,
  tol: 1e-10,
  regCovar: 1e-6,
  seed: 0,
  ...overrides,
});

/** Three overlapping components: EM converges slowly, so SQUAREM has work to do. */
export const OVERLAPPING: ReferenceMixture = {
  weights: [0.5, 0.3, 0.2],
  means: [
    [0, 0],
    [1.5, 0.5],
    [0.5, 2],
  ],
  covariances: [
    [
      [1, 0.4],
      [0.4, 1],
    ],
    [
      [0.6, -0.2],
      [-0.2, 0.9],
    ],
    [
      [0.8, 0],
      [0, 0.5],
    ],
  ],
};
