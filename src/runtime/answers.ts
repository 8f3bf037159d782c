import { answerOf, type Answer } from '../pipeline/answer';
import type { UnifiedResponse } from '../pipeline/response';
import { bertMacs } from '../pipeline/stages/language-stage';
import { MemoryNotes } from '../pipeline/stages/memory-notes';
import { macEnergyPj } from '../metrics/energy';
import type { LanguageService } from '../services/language/language-service';
import type { MemoryService } from '../services/memory/memory-service';

/** A response with its answer in plain words (createAura's `infer`). */
export type AnsweredResponse = UnifiedResponse & { answer: Answer };

export function withAnswer(response: UnifiedResponse): AnsweredResponse {
  return { ...response, answer: answerOf(response) };
}

/** Notes in memory, embedded by the language model (the energy of each embedding run is counted from its tokens). */
export function noteTaker(memory: MemoryService, language: LanguageService): MemoryNotes {
  const config = language.config;
  const num = (key: string, fallback: number) => (typeof config[key] === 'number' ? (config[key] as number) : fallback);
  const dims = { hiddenSize: language.hiddenSize, layers: num('num_hidden_layers', 12), intermediateSize: num('intermediate_size', 4 * language.hiddenSize), labels: 0 };
  return new MemoryNotes(memory, async (text) => {
    const [vector] = await language.embedRows([text], { truncation: true });
    const tokens = language.tokenizer.encode(text, { maxLength: language.maxLength }).ids.length;
    return { vector, energyPj: macEnergyPj(bertMacs(dims, tokens)) };
  });
}
