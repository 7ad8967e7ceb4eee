/**
 * The build farm on Kubernetes, on paper: one matrix cell as a `batch/v1` Job manifest in YAML. The
 * Job runs the same `job.sh` a Slurm job runs (written by the same submission into the same job
 * folder), in the target's container image, on a node whose `nvidia.com/gpu.product` label is the
 * target's GPU, with the GPUs as `nvidia.com/gpu` limits (the NVIDIA device plugin's resource) and
 * the farm folder mounted from a shared volume. Nothing here talks to a cluster: `kubectl apply -f`
 * (or a controller) takes the YAML from there.
 */
import type { FarmTarget } from '../api/farm-schemas.js';
import { error, fail, ok, type Diagnostic, type Result } from '../diagnostics.js';
import { JOB_FILES } from './job-script.js';
import { expandMatrix, type FarmCell } from './matrix.js';

/** Where the farm folder comes from in the cluster: a ReadWriteMany claim, or an NFS export the nodes mount. */
export type FarmVolume = { claimName: string } | { nfs: { server: string; path: string } };

export interface KubernetesJobOptions {
  /** The submission's id: a label on every Job, so `kubectl get jobs -l trt-studio/submission=ID` lists them. */
  submission: string;
  /** The job folder as the container sees it (absolute, under `mountPath`). */
  jobDir: string;
  /** Where the shared volume is mounted in the container. */
  mountPath: string;
  volume: FarmVolume;
  /** The namespace the Jobs go to; absent: the one `kubectl` is pointed at. */
  namespace?: string;
}

/** The label on a node that names its GPU (set by NVIDIA's GPU feature discovery), and the device plugin's resource. */
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** A DNS-1123 label (Job names, label values): at most 63 lower-case letters, digits and `-`, starting and ending with one of the first two. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A label value: at most 63 letters, digits, `_`, `.`, `-`, starting and ending with a letter or digit (or empty). */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** FNV-1a of `text` as 8 hex digits: keeps two long names that share their first 54 characters apart. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The Job's name for a cell: `trt-<cell name>` as a DNS-1123 label; a name too long keeps its start and gains a hash of the whole. */
export function kubernetesJobName(cellName: string): string {
  const full = `trt-${cellName}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const name = full.length <= 63 ? full : `${full.slice(0, 54)}-${shortHash(full)}`;
  return name.replace(/-+$/g, '');
}

/** A label value for `text` (target and profile names are free text): cut and trimmed to what Kubernetes takes. */
function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** How many GPUs the target asks for: the GRES count (`gpu:h100:2` → 2, `gpu:h100` → 1), 1 for a GPU product without GRES, else none. */
export function gpuCount(target: FarmTarget): number {
  const gpu = target.gres?.split(',').find((g) => g.split(':')[0] === 'gpu');
  if (gpu !== undefined) {
    const last = gpu.split(':').slice(1).pop();
    return last !== undefined && /^[0-9]+$/.test(last) ? Number(last) : 1;
  }
  return target.kubernetes?.gpuProduct !== undefined ? 1 : 0;
}

function checkOptions(o: KubernetesJobOptions): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const mount = o.mountPath.replace(/\/+$/, '');
  if (!o.mountPath.startsWith('/')) problems.push(error('farm.k8s.mountPath', `The mount path '${o.mountPath}' must be absolute.`));
  if (!o.jobDir.startsWith(`${mount}/`))
    problems.push(error('farm.k8s.jobDir', `The job folder '${o.jobDir}' must lie under the mount path '${o.mountPath}'.`));
  if (!LABEL_VALUE.test(o.submission)) problems.push(error('farm.k8s.submission', `The submission id '${o.submission}' cannot be a Kubernetes label value.`));
  if (o.namespace !== undefined && !DNS_LABEL.test(o.namespace))
    problems.push(error('farm.k8s.namespace', `The namespace '${o.namespace}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63).`));
  if ('claimName' in o.volume && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(o.volume.claimName))
    problems.push(error('farm.k8s.claim', `The volume claim '${o.volume.claimName}' is not a Kubernetes object name.`));
  return problems;
}

/** The Job manifest of one cell, as a plain object (what the YAML says). */
export function kubernetesJob(cell: FarmCell, o: KubernetesJobOptions): Result<Record<string, unknown>> {
  const { target } = cell;
  const problems = checkOptions(o);
  if (!target.kubernetes)
    problems.push(error('farm.k8s.noSection', `The target '${target.name}' has no kubernetes section; a Kubernetes Job needs at least its container image.`));
  if (problems.length > 0 || !target.kubernetes) return fail(...problems);
  const gpus = gpuCount(target);
  const product = target.kubernetes.gpuProduct;
  const jobDir = o.jobDir.replace(/\/+$/, '');
  const volume = 'claimName' in o.volume ? { persistentVolumeClaim: { claimName: o.volume.claimName } } : { nfs: { ...o.volume.nfs } };
  const labels = {
    'app.kubernetes.io/name': 'trt-studio-farm',
    'trt-studio/submission': o.submission,
    'trt-studio/target': labelValue(target.name),
    'trt-studio/precision': cell.precision,
    'trt-studio/profile': labelValue(cell.profileName),
  };
  return ok({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: kubernetesJobName(cell.name),
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      labels,
      // The names as the user wrote them; labels only take a restricted alphabet.
      annotations: { 'trt-studio/target-name': target.name, 'trt-studio/profile-name': cell.profileName, 'trt-studio/job-dir': jobDir },
    },
    spec: {
      // A failed build is a result to read (build.log), not something to retry.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(product !== undefined ? { nodeSelector: { [GPU_PRODUCT_LABEL]: product } } : {}),
          containers: [
            {
              name: 'trt-studio',
              image: target.kubernetes.image,
              workingDir: jobDir,
              command: ['bash', `${jobDir}/${JOB_FILES.script}`],
              ...(gpus > 0 ? { resources: { limits: { [GPU_RESOURCE]: gpus } } } : {}),
              volumeMounts: [{ name: 'farm', mountPath: o.mountPath }],
            },
          ],
          volumes: [{ name: 'farm', ...volume }],
        },
      },
    },
  });
}

/**
 * Every Kubernetes target's cells as Job manifests in one YAML stream (`---` between them), each in
 * its own folder `<farmDir>/<cell name>` as a Slurm submission lays them out; refused cells say why.
 */
export function kubernetesManifests(
  targets: readonly FarmTarget[],
  o: Omit<KubernetesJobOptions, 'jobDir'> & { submissionDir: string },
): Result<{ yaml: string; jobs: number; refused: { target: string; precision: string; profile: string; reason: string }[] }> {
  const matrix = expandMatrix(targets, 'kubernetes');
  if (!matrix.ok) return fail(...matrix.diagnostics);
  const docs: string[] = [];
  const problems: Diagnostic[] = [];
  for (const cell of matrix.value.cells) {
    const job = kubernetesJob(cell, { ...o, jobDir: `${o.submissionDir.replace(/\/+$/, '')}/${cell.name}` });
    if (job.ok) docs.push(toYaml(job.value));
    else problems.push(...job.diagnostics);
  }
  if (problems.length > 0) return fail(...problems);
  return ok({ yaml: docs.join('---\n'), jobs: docs.length, refused: matrix.value.refused });
}

// ---------------------------------------------------------------------------------------------
// YAML: the manifests are plain data (maps, lists, strings, numbers, booleans), so a small writer
// suffices; strings that YAML could read as something else are written double-quoted (JSON's
// escapes are YAML's).

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  return PLAIN.test(value) && !YAML_WORDS.test(value) ? value : JSON.stringify(value);
}

function key(k: string): string {
  return PLAIN.test(k) && !YAML_WORDS.test(k) ? k : JSON.stringify(k);
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        const inner = lines(item, `${indent}  `);
        return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
      }
      return [`${indent}- ${inline(item)}`];
    });
  }
  return Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    v !== null && typeof v === 'object' && !isEmpty(v) ? [`${indent}${key(k)}:`, ...lines(v, `${indent}  `)].join('\n') : `${indent}${key(k)}: ${inline(v)}`,
  );
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return scalar(value as string | number | boolean | null);
}

/** `value` (plain data) as a YAML document. */
export function toYaml(value: Record<string, unknown>): string {
  return `${lines(value, '')
    .flatMap((l) => l.split('\n'))
    .join('\n')}\n`;
}
