/**
 * The services behind the contract, one line each. A service that is not listed leaves its methods
 * answering "not available yet"; plugging one in is adding its line here. A module may fill a slot
 * of `ctx.provided` for the modules after it (weights before network, backends before build).
 */
import { filesModule } from './files.js';
import { hostModule } from './host-info.js';
import { jobsModule } from './jobs.js';
import { networkModule } from './network.js';
import { projectsModule } from './projects.js';
import type { ServiceModule } from './service-types.js';
import { settingsModule } from './settings.js';

export const SERVICE_MODULES: readonly ServiceModule[] = [
  hostModule,
  settingsModule,
  filesModule,
  projectsModule,
  jobsModule,
  // weights (electron/services/weight-store.ts): weights.import/list/tensors/stats/unload/bind, provides weightLookup
  // images (electron/services/images.ts): images.preview
  // backends (electron/backends/*): build.start/history, run.start, profile.start, export.start, provide backends
  networkModule,
];
