/**
 * The services behind the contract, one line each. A service that is not listed leaves its methods
 * answering "not available yet"; plugging one in is adding its line here. A module may fill a slot
 * of `ctx.provided` for the modules after it (weights before network, backends before build).
 */
import { backendsModule } from './backends-service.js';
import { compareModule } from './compare-service.js';
import { farmModule } from './farm-service.js';
import { filesModule } from './files-service.js';
import { hostModule } from './host-info.js';
import { imagesModule } from './images-service.js';
import { importModule } from './import-service.js';
import { jobsModule } from './jobs-service.js';
import { networkModule } from './network.js';
import { projectsModule } from './projects-service.js';
import type { ServiceModule } from './service-types.js';
import { settingsModule } from './settings-service.js';
import { weightsModule } from './weights-service.js';

export const SERVICE_MODULES: readonly ServiceModule[] = [
  hostModule,
  settingsModule,
  filesModule,
  projectsModule,
  jobsModule,
  // weights.import/list/tensors/stats/unload/bind over the weight store; provides weightLookup.
  weightsModule,
  // model.import: an .onnx file as a new network, its initializers a weight set (through adoptWeights).
  importModule,
  // images.preview.
  imagesModule,
  // build.start/history, run.start, profile.start, export.start over onnxruntime and tensorrt; provides backends.
  backendsModule,
  // compare.start/tensors: layer outputs against PyTorch references or a second backend.
  compareModule,
  networkModule,
  // farm.submit/status/cancel/results: the build matrix on the cluster's scheduler (Slurm).
  farmModule,
];
