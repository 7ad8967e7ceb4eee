import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { FarmTargetSchema, type FarmTarget } from '../api/farm-schemas.js';
import { gpuCount, kubernetesJob, kubernetesJobName, kubernetesManifests, toYaml } from './kubernetes.js';
import { expandMatrix } from './matrix.js';

const target = (t: Partial<FarmTarget> & { name: string }): FarmTarget => FarmTargetSchema.parse({ scheduler: 'kubernetes', ...t });

const H100 = target({
  name: 'H100 (lab)',
  gres: 'gpu:h100:2',
  precisions: ['fp32', 'fp16'],
  profiles: [{ name: 'b8', min: 1, opt: 8, max: 16 }],
  kubernetes: { gpuProduct: 'NVIDIA-H100-80GB-HBM3', image: 'registry.example/trt-studio:10.8' },
});
const CPU = target({ name: 'cpu', backend: 'onnxruntime', kubernetes: { image: 'registry.example/trt-studio:cpu' } });
const OPTIONS = { submission: '20261205-0401', mountPath: '/farm', volume: { claimName: 'trt-farm' } };

/** Parses YAML text and checks every document against the Kubernetes schema of batch/v1 Job; returns the documents. */
function validJobs(yamlText: string): Record<string, unknown>[] {
  return parseAllDocuments(yamlText).map((doc) => {
    expect(doc.errors).toEqual([]);
    const manifest = doc.toJS() as Record<string, unknown>;
    new Job(manifest).validate();
    return manifest;
  });
}

describe('Kubernetes Job manifests', () => {
  it('turns a GPU cell into a Job on that GPU product running the job script from the shared folder', () => {
    const cell = expandMatrix([H100], 'kubernetes');
    if (!cell.ok) throw new Error(cell.diagnostics[0]?.message);
    const job = kubernetesJob(cell.value.cells[1]!, { ...OPTIONS, jobDir: '/farm/20261205-0401/h100-lab-fp16-b8' });
    if (!job.ok) throw new Error(job.diagnostics[0]?.message);
    const [manifest] = validJobs(toYaml(job.value));
    expect(manifest).toEqual(job.value);
    const spec = (manifest as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    expect(spec.containers).toEqual([
      {
        name: 'trt-studio',
        image: 'registry.example/trt-studio:10.8',
        workingDir: '/farm/20261205-0401/h100-lab-fp16-b8',
        command: ['bash', '/farm/20261205-0401/h100-lab-fp16-b8/job.sh'],
        resources: { limits: { 'nvidia.com/gpu': 2 } },
        volumeMounts: [{ name: 'farm', mountPath: '/farm' }],
      },
    ]);
    expect(spec.volumes).toEqual([{ name: 'farm', persistentVolumeClaim: { claimName: 'trt-farm' } }]);
    expect((manifest as { metadata: unknown }).metadata).toMatchObject({
      name: 'trt-h100-lab-fp16-b8',
      labels: { 'trt-studio/submission': '20261205-0401', 'trt-studio/target': 'H100-lab', 'trt-studio/precision': 'fp16', 'trt-studio/profile': 'b8' },
      annotations: { 'trt-studio/target-name': 'H100 (lab)' },
    });
  });

  it('writes the whole Kubernetes matrix as one valid YAML stream; a Slurm target is refused with the reason', () => {
    const slurm = FarmTargetSchema.parse({ name: 'slurm-t4', gres: 'gpu:t4:1' });
    const r = kubernetesManifests([H100, CPU, slurm], { ...OPTIONS, submissionDir: '/farm/20261205-0401', namespace: 'ml-builds' });
    if (!r.ok) throw new Error(r.diagnostics[0]?.message);
    const jobs = validJobs(r.value.yaml);
    expect(r.value.jobs).toBe(3);
    expect(jobs.map((j) => (j.metadata as { name: string; namespace: string }).name)).toEqual([
      'trt-h100-lab-fp32-b8',
      'trt-h100-lab-fp16-b8',
      'trt-cpu-fp32-default',
    ]);
    expect(jobs.every((j) => (j.metadata as { namespace: string }).namespace === 'ml-builds')).toBe(true);
    // The reference runtime's target asks for no GPU and picks no GPU node.
    const cpuSpec = (jobs[2] as { spec: { template: { spec: { nodeSelector?: unknown; containers: { resources?: unknown }[] } } } }).spec.template.spec;
    expect([cpuSpec.nodeSelector, cpuSpec.containers[0]!.resources]).toEqual([undefined, undefined]);
    expect(r.value.refused).toEqual([
      {
        target: 'slurm-t4',
        precision: 'fp32',
        profile: 'default',
        reason: "The target 'slurm-t4' is for slurm; only Kubernetes targets become Kubernetes Jobs.",
      },
    ]);
  });

  it('the schema check is live: a Job without containers or with a text backoffLimit is refused', () => {
    const broken = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { template: { spec: { restartPolicy: 'Never' } } } };
    expect(() => new Job(broken as never).validate()).toThrow('data/spec/template/spec must have required property containers');
    const typed = { ...broken, spec: { backoffLimit: 'none', template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    expect(() => new Job(typed as never).validate()).toThrow('data/spec/backoffLimit must be integer');
  });

  it('counts GPUs from the GRES, and one for a GPU product without GRES', () => {
    expect(
      [H100, CPU, target({ name: 'a', gres: 'gpu:l4' }), target({ name: 'b', kubernetes: { gpuProduct: 'NVIDIA-L4', image: 'i' } })].map(gpuCount),
    ).toEqual([2, 0, 1, 1]);
  });

  it('keeps long Job names within 63 characters and apart', () => {
    const a = kubernetesJobName(`${'very-long-target-name-'.repeat(4)}a-fp16-default`);
    const b = kubernetesJobName(`${'very-long-target-name-'.repeat(4)}b-fp16-default`);
    expect([a.length, b.length]).toEqual([63, 63]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('refuses a target without a kubernetes section and a job folder outside the mount, saying why', () => {
    const bare = target({ name: 'bare' });
    const cell = expandMatrix([bare], 'kubernetes');
    if (!cell.ok) throw new Error('no cell');
    const r = kubernetesJob(cell.value.cells[0]!, { ...OPTIONS, jobDir: '/elsewhere/job' });
    expect((r.diagnostics ?? []).map((d) => d.message)).toEqual([
      "The job folder '/elsewhere/job' must lie under the mount path '/farm'.",
      "The target 'bare' has no kubernetes section; a Kubernetes Job needs at least its container image.",
    ]);
  });

  it('writes YAML that reads back as the same data, quoting what YAML would read otherwise', () => {
    const data = { a: 'yes', b: '1', c: 'x: y', d: ['on', 2, true], e: { 'nvidia.com/gpu': 1 }, f: [], g: {}, h: [{ i: 'j', k: ['l'] }], m: 'line\nnext' };
    expect(parseYaml(toYaml(data))).toEqual(data);
  });
});
