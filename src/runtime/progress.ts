import type { ModelLoadProgress } from '../models/fetch';

/**
 * A loading event, shaped like transformers.js's `progress_callback` ({status, file, loaded, total,
 * progress} with progress in percent) plus the runtime's stage and a readable message.
 */
export interface AuraProgress {
  stage: 'device' | 'plan' | 'language' | 'neuromorphic' | 'lnn' | 'memory' | 'router' | 'consensus' | 'ready';
  message: string;
  /** 'initiate': a step starts; 'progress': bytes of `file` arrived; 'done': `file` is loaded; 'ready': the runtime is ready. */
  status: 'initiate' | 'progress' | 'done' | 'ready';
  /** The file being loaded (its name), for 'progress' and 'done'. */
  file?: string;
  loaded?: number;
  /** Bytes in all, where the server said. */
  total?: number;
  /** 0–100, where `total` is known. */
  progress?: number;
}

/** Wraps a listener so a bare {stage, message} becomes an 'initiate' event (a 'ready' one for the ready stage). */
export function progressReporter(listener?: (event: AuraProgress) => void) {
  return (event: Omit<AuraProgress, 'status'> & { status?: AuraProgress['status'] }) => {
    listener?.({ ...event, status: event.status ?? (event.stage === 'ready' ? 'ready' : 'initiate') });
  };
}

/** A model file's load progress as an AuraProgress of `stage`. */
export function fileProgress(stage: AuraProgress['stage'], e: ModelLoadProgress): AuraProgress {
  const file = e.source.split('/').pop() ?? e.source;
  const progress = e.totalBytes ? (100 * e.loadedBytes) / e.totalBytes : e.done ? 100 : undefined;
  const pct = progress !== undefined ? ` ${Math.round(progress)}%` : ` ${(e.loadedBytes / 1024).toFixed(0)} KiB`;
  return {
    stage,
    status: e.done ? 'done' : 'progress',
    file,
    loaded: e.loadedBytes,
    total: e.totalBytes,
    progress,
    message: `${e.done ? 'loaded' : 'loading'} ${file}${pct} (${e.from})`,
  };
}
