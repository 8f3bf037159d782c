import type { ModelLoadProgress } from '../models/fetch';
import type { NoteEmbedder } from './memory/memory-notes';
import type { ExecutionPath, ServiceName } from '../core/names';
import type { PlannableStage } from '../core/plan';
import type { GpuContext } from '../gpu/device';
import type { ServiceStage } from './service-stage';

/** What the runtime gives a service to build itself with. */
export interface ServiceEnv {
  /** The runtime's one device. Set by the device step; the language service is built before it (it may bring the device). */
  readonly gpu: GpuContext;
  /** Width of the text embedding: the language model's hidden size (128 without one). */
  readonly hiddenSize: number;
  /** Reports a step of the start, under the service's name. */
  progress(message: string): void;
  /** Reports a model file's loading progress, under the service's name. */
  fileProgress(event: ModelLoadProgress): void;
  /** Embeds one text with the language model, where one is loaded (memory keeps notes with it). */
  readonly embedText?: NoteEmbedder;
}

/**
 * How the runtime builds, tries and stages one service, once the service has read what both its
 * paths share (`ServiceDescriptor.prepare`).
 */
export interface ServiceKit<S> {
  /** The service on `path`; undefined where it cannot run here (memory without IndexedDB). */
  create(path: ExecutionPath, env: ServiceEnv): Promise<S | undefined>;
  /** One representative run on each path for the planner; `get` builds the service on a path once. Absent: one path only. */
  trial?(get: (path: ExecutionPath) => Promise<S>, env: ServiceEnv): Promise<PlannableStage>;
  /** The service as a pipeline stage. */
  stage(service: S, env: ServiceEnv): ServiceStage;
  /** Releases a service built on the path the plan did not keep, and every service when the runtime stops. */
  destroy(service: S): unknown;
}

/**
 * One service as the runtime sees it (the registry in src/runtime/service-registry.ts lists them,
 * as onnxruntime-web's op-resolve-rules map an op to its implementations): its name, and how to
 * prepare it with the caller's options (`AuraOptions[name]`).
 */
export interface ServiceDescriptor<S, O = undefined, N extends ServiceName = ServiceName> {
  readonly name: N;
  /** Reads what both paths share (a trained default model) once per start; undefined where the caller turned it off. */
  prepare(options: O | undefined, env: ServiceEnv): Promise<ServiceKit<S> | undefined>;
}
